// A page body conflict as a person reads it: base → Notion and base → local as unified diffs
// (the pseudo property `__body__` of push/content/body-push.ts).
import { unifiedDiff } from '../shared/index.ts';

export const BODY_CONFLICT_ID = '__body__';

export function bodyConflictDiffs(base: unknown, notion: unknown, local: unknown): string {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const side = (value: unknown, label: string) =>
    unifiedDiff(text(base), text(value), { before: 'base', after: label }) ||
    `(${label}: same as base)`;
  return [side(notion, 'notion'), '', side(local, 'local')].join('\n');
}
