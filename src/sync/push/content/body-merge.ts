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
 * conflict). All three in canonical form; the result too. `normalize` maps a line to what it
 * means (a hosted file's link is signed anew on every read): lines compare by meaning, and a
 * merged line is written as Notion has it, else as the file has it.
 */
export function mergeBodies(
  base: string | null,
  notion: string,
  local: string,
  normalize: (line: string) => string = (line) => line,
): BodyMerge {
  const rawOf = new Map<string, string>();
  for (const line of [...local.split('\n'), ...notion.split('\n')])
    rawOf.set(normalize(line), line);
  const meaning = (text: string) => text.split('\n').map(normalize).join('\n');
  const merged = mergeMeanings(
    base === null ? null : meaning(base),
    meaning(notion),
    meaning(local),
  );
  if (!merged.ok) return merged;
  if (merged.merged === meaning(notion)) return { ok: true, merged: notion };
  const lines = merged.merged.split('\n').map((line) => rawOf.get(line) ?? line);
  return { ok: true, merged: lines.join('\n') };
}

function mergeMeanings(base: string | null, notion: string, local: string): BodyMerge {
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
