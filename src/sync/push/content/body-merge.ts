// The line-based three-way merge of page bodies (DESIGN.md §5 Push, for content): the base is the
// body both sides last agreed on (the record's base version), Notion's is the live page, local is
// the file. Invariants: one side changed → take it; both changed the same lines the same way →
// nothing to decide; edits to different parts merge; overlapping different edits are ONE
// conflict for the whole body, never a silent overwrite. Bodies compare in the canonical form a
// file holds (a non-empty body ends with one newline).
import { diff3Merge } from 'node-diff3';

/** A body as a file holds it: a non-empty body ends with one newline. */
export function canonicalText(body: string | null | undefined): string {
  const text = (body ?? '').replace(/\r\n/g, '\n');
  return text.length > 0 && !text.endsWith('\n') ? `${text}\n` : text;
}

export type BodyMerge = { ok: true; merged: string } | { ok: false };

/**
 * Merges `local` and `notion` against `base` (null: no common ancestor, so any difference is a
 * conflict). All three in canonical form; the result too.
 */
export function mergeBodies(base: string | null, notion: string, local: string): BodyMerge {
  if (local === notion) return { ok: true, merged: notion };
  if (base === null) return { ok: false };
  if (local === base) return { ok: true, merged: notion };
  if (notion === base) return { ok: true, merged: local };
  const regions = diff3Merge(local.split('\n'), base.split('\n'), notion.split('\n'), {
    excludeFalseConflicts: true,
  }) as ({ ok: string[] } | { conflict: unknown })[];
  const lines: string[] = [];
  for (const region of regions) {
    if (!('ok' in region)) return { ok: false };
    lines.push(...region.ok);
  }
  return { ok: true, merged: lines.join('\n') };
}

/** `target` in the trailing-newline convention of `raw` (Notion's Markdown as served). */
export function inFormOf(raw: string, target: string): string {
  return !raw.endsWith('\n') && target.endsWith('\n') ? target.slice(0, -1) : target;
}
