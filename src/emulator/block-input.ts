import { bodyValidationError, tooLong, validationError } from './errors.ts';
import { isStoredFile, toStoredFileUrl } from './file-host.ts';
import { newId } from './ids.ts';
import { isObject, type MentionResolver, parseRichText } from './rich-text.ts';
import type { BlockRecord, JsonObject, JsonValue, ParentRef } from './state.ts';
import type { Workspace } from './workspace.ts';

export const MAX_CHILDREN_PER_REQUEST = 100;
export const MAX_BLOCKS_PER_REQUEST = 1000;
export const MAX_NESTING_LEVELS = 2;

type Defaults = Record<string, JsonValue>;
const MEDIA_TYPES = new Set(['image', 'video', 'pdf', 'file', 'audio']);
const TEXT = { color: 'default' };

/** Block types the API accepts on append, with the defaults Notion fills in. */
const BLOCK_DEFAULTS: Record<string, Defaults> = {
  paragraph: { icon: null, ...TEXT },
  heading_1: { is_toggleable: false, ...TEXT },
  heading_2: { is_toggleable: false, ...TEXT },
  heading_3: { is_toggleable: false, ...TEXT },
  heading_4: { is_toggleable: false, ...TEXT },
  bulleted_list_item: TEXT,
  numbered_list_item: TEXT,
  quote: TEXT,
  to_do: { checked: false, ...TEXT },
  toggle: TEXT,
  callout: { icon: null, ...TEXT },
  code: { caption: [], language: 'plain text' },
  equation: {},
  divider: {},
  breadcrumb: {},
  table_of_contents: TEXT,
  column_list: {},
  column: {},
  table: { table_width: 1, has_column_header: false, has_row_header: false },
  table_row: { cells: [] },
  bookmark: { caption: [] },
  embed: { caption: [] },
  link_preview: {},
  image: { caption: [] },
  video: { caption: [] },
  pdf: { caption: [] },
  file: { caption: [], name: '' },
  audio: { caption: [] },
  link_to_page: {},
  synced_block: { synced_from: null },
  template: {},
};
const TEXT_BLOCKS = new Set([
  'paragraph',
  'heading_1',
  'heading_2',
  'heading_3',
  'heading_4',
  'bulleted_list_item',
  'numbered_list_item',
  'quote',
  'to_do',
  'toggle',
  'callout',
  'code',
  'template',
]);

/** A validated block of a request, children nested (≤ 2 levels), before it gets ids. */
export interface BlockDraft {
  type: string;
  content: JsonObject;
  children: BlockDraft[];
}

function parseContent(
  type: string,
  raw: Record<string, unknown>,
  path: string,
  resolver: MentionResolver,
): JsonObject {
  const content: JsonObject = {};
  if (TEXT_BLOCKS.has(type))
    content.rich_text = parseRichText(raw.rich_text ?? [], `${path}.rich_text`, resolver);
  for (const [key, value] of Object.entries(BLOCK_DEFAULTS[type] ?? {})) content[key] = value;
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'children' || key === 'rich_text') continue;
    if (key === 'caption')
      content.caption = parseRichText(value ?? [], `${path}.caption`, resolver);
    else if (key === 'cells' && Array.isArray(value))
      content.cells = value.map((cell, i) => parseRichText(cell, `${path}.cells[${i}]`, resolver));
    else content[key] = value as JsonValue;
  }
  if (type === 'code' && typeof content.language !== 'string')
    throw bodyValidationError(`${path}.language`, 'should be a string');
  if (type === 'equation' && typeof content.expression !== 'string')
    throw bodyValidationError(`${path}.expression`, 'should be a string');
  if (MEDIA_TYPES.has(type)) {
    const hostedUrl = isObject(content.external) ? content.external.url : undefined;
    if (isObject(content.file_upload)) {
      content.file = resolver.hostedFile(content.file_upload.id, `${path}.file_upload.id`);
      delete content.file_upload;
      content.type = 'file';
    } else if (typeof hostedUrl === 'string' && isStoredFile(toStoredFileUrl(hostedUrl))) {
      // A hosted file read earlier (Markdown shows it as a plain URL) names the same file.
      content.file = { url: toStoredFileUrl(hostedUrl), expiry_time: null };
      delete content.external;
      content.type = 'file';
    } else if (isObject(content.file) && typeof content.file.url === 'string') {
      content.file = { url: toStoredFileUrl(content.file.url), expiry_time: null };
      content.type = 'file';
    } else if (!content.type || content.type === 'file_upload') {
      content.type = isObject(content.external) ? 'external' : 'file';
    }
  }
  return content;
}

/**
 * Validates an array of request blocks (§5.2: ≤ 100 per array, ≤ 2 nesting levels, ≤ 1000 in
 * the request) into drafts.
 */
export function parseBlockArray(
  input: unknown,
  path: string,
  resolver: MentionResolver,
  counter = { n: 0 },
  level = 1,
): BlockDraft[] {
  if (!Array.isArray(input)) throw bodyValidationError(path, 'should be an array');
  if (input.length > MAX_CHILDREN_PER_REQUEST)
    throw tooLong(path, MAX_CHILDREN_PER_REQUEST, input.length);
  return input.map((item, index) => {
    const itemPath = `${path}[${index}]`;
    if (!isObject(item)) throw bodyValidationError(itemPath, 'should be an object');
    const type =
      typeof item.type === 'string'
        ? item.type
        : Object.keys(BLOCK_DEFAULTS).find((t) => t in item);
    if (!type || !(type in BLOCK_DEFAULTS) || !isObject(item[type])) {
      throw bodyValidationError(
        itemPath,
        `should be a supported block type, instead was \`${JSON.stringify(item.type ?? Object.keys(item)[0] ?? null)}\``,
      );
    }
    counter.n += 1;
    if (counter.n > MAX_BLOCKS_PER_REQUEST)
      throw validationError(
        `body failed validation: a request may contain at most ${MAX_BLOCKS_PER_REQUEST} blocks.`,
      );
    const raw = item[type] as Record<string, unknown>;
    let children: BlockDraft[] = [];
    if (raw.children !== undefined) {
      if (level > MAX_NESTING_LEVELS) {
        throw bodyValidationError(
          `${itemPath}.${type}.children`,
          `should be not present, instead was \`[…]\` (at most ${MAX_NESTING_LEVELS} levels of nested children per request)`,
        );
      }
      children = parseBlockArray(
        raw.children,
        `${itemPath}.${type}.children`,
        resolver,
        counter,
        level + 1,
      );
    }
    return { type, content: parseContent(type, raw, `${itemPath}.${type}`, resolver), children };
  });
}

/** Creates block records for drafts under `parent`; returns the new first-level ids. */
export function insertBlocks(
  ws: Workspace,
  parent: ParentRef & { id: string },
  drafts: readonly BlockDraft[],
  actorUserId: string,
  siblings: string[],
  at: number,
): string[] {
  const now = ws.now();
  const ids: string[] = [];
  for (const draft of drafts) {
    const record: BlockRecord = {
      id: newId(),
      parent,
      type: draft.type,
      content: draft.content,
      createdTime: now,
      lastEditedTime: now,
      createdBy: actorUserId,
      lastEditedBy: actorUserId,
      inTrash: false,
      childIds: [],
    };
    ws.state.blocks[record.id] = record;
    insertBlocks(
      ws,
      { type: 'block_id', id: record.id },
      draft.children,
      actorUserId,
      record.childIds,
      record.childIds.length,
    );
    ids.push(record.id);
  }
  siblings.splice(at, 0, ...ids);
  return ids;
}

/** Block content for an update (`PATCH /v1/blocks/{id}` with `<type>: {...}`). */
export function parseBlockUpdate(
  type: string,
  raw: unknown,
  path: string,
  resolver: MentionResolver,
  current: JsonObject,
): JsonObject {
  if (!isObject(raw)) throw bodyValidationError(path, 'should be an object');
  const merged: Record<string, unknown> = { ...current, ...raw };
  return parseContent(type, merged, path, resolver);
}
