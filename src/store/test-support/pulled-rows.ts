// Builders of pulled rows for store, crash and bench tests.
import { hashValue } from '../../shared/index.ts';
import type { PulledRow } from '../pull-batch.ts';
import type { JsonValue, SourceSchema } from '../store-types.ts';

export const TASKS_SCHEMA: SourceSchema = {
  properties: {
    title: { id: 'title', name: 'Name', type: 'title' },
    'a%3Bb': { id: 'a%3Bb', name: 'Status', type: 'select' },
    'n%40x': { id: 'n%40x', name: 'Estimate (h)', type: 'number' },
    'd%3Ee': { id: 'd%3Ee', name: 'Done', type: 'checkbox' },
  },
};

/** A pulled row whose hash is the hash of its fields and content. */
export function pulledRow(
  pageId: string,
  fields: Record<string, JsonValue>,
  options: { editedAt?: string; content?: string | null } = {},
): PulledRow {
  const editedAt = options.editedAt ?? '2026-01-01T10:00:00.000Z';
  return {
    pageId,
    fields,
    raw: { properties: fields },
    ...(options.content !== undefined ? { content: options.content } : {}),
    hash: hashValue({ fields, content: options.content ?? null }),
    notionLastEditedTime: editedAt,
    createdTime: '2026-01-01T09:00:00.000Z',
  };
}
