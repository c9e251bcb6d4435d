import { type BlockDraft, insertBlocks } from './block-input.ts';
import { bodyValidationError, NotionApiError, validationError } from './errors.ts';
import { newId, normalizeId } from './ids.ts';
import { findSchema, parsePropertyValue } from './properties/values.ts';
import { isObject } from './rich-text.ts';
import type {
  DataSourceRecord,
  IntegrationRecord,
  JsonValue,
  PageRecord,
  ParentRef,
  PropertySchema,
} from './state.ts';
import type { Workspace } from './workspace.ts';

const TITLE_SCHEMA: PropertySchema = {
  id: 'title',
  name: 'title',
  type: 'title',
  description: null,
  config: {},
};

/** Validates a request `properties` object against the page's schema; nothing is written. */
export function parseProperties(
  ws: Workspace,
  ds: DataSourceRecord | undefined,
  input: unknown,
  path = 'body.properties',
): [PropertySchema, JsonValue][] {
  if (input === undefined) return [];
  if (!isObject(input)) throw bodyValidationError(path, 'should be an object');
  return Object.entries(input).map(([key, value]) => {
    const schema = ds
      ? findSchema(ds, key)
      : key === 'title' || (isObject(value) && 'title' in value) || Array.isArray(value)
        ? TITLE_SCHEMA
        : undefined;
    if (!schema) throw validationError(`${key} is not a property that exists.`);
    return [schema, parsePropertyValue(ws, schema, value, `${path}.${key}`)];
  });
}

function idsOf(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Keeps the other side of dual relations in step with `page`'s new relation values. */
function syncDualRelations(
  ws: Workspace,
  page: PageRecord,
  schema: PropertySchema,
  before: string[],
  after: string[],
): void {
  const dual = schema.config.dual_property;
  if (schema.type !== 'relation' || !isObject(dual)) return;
  const syncedId = String(dual.synced_property_id ?? '');
  const removed = before.filter((id) => !after.includes(id));
  const added = after.filter((id) => !before.includes(id));
  for (const id of [...removed, ...added]) {
    const other = ws.state.pages[id];
    if (!other) continue;
    const current = idsOf(other.properties[syncedId]);
    other.properties[syncedId] = added.includes(id)
      ? current.includes(page.id)
        ? current
        : [...current, page.id]
      : current.filter((x) => x !== page.id);
  }
}

/** Writes parsed values, updating dual relations; bumps edit time and editor. */
export function writeProperties(
  ws: Workspace,
  page: PageRecord,
  values: readonly [PropertySchema, JsonValue][],
  editorUserId: string,
): void {
  for (const [schema, value] of values) {
    const before = idsOf(page.properties[schema.id]);
    page.properties[schema.id] = value;
    if (schema.type === 'relation') syncDualRelations(ws, page, schema, before, idsOf(value));
  }
  if (values.length > 0) {
    page.lastEditedTime = ws.now();
    page.lastEditedBy = editorUserId;
  }
}

/** Resolves a request parent for a page; the target must be visible to the integration. */
export function resolvePageParent(
  ws: Workspace,
  actor: IntegrationRecord,
  parent: unknown,
): { ref: ParentRef & { id: string }; ds?: DataSourceRecord } {
  if (!isObject(parent))
    throw bodyValidationError('body.parent', 'should be defined, instead was `undefined`');
  if (parent.data_source_id !== undefined) {
    const id =
      normalizeId(parent.data_source_id) ??
      badId('body.parent.data_source_id', parent.data_source_id);
    const ds = ws.dataSource(id, actor);
    return { ref: { type: 'data_source_id', id }, ds };
  }
  if (parent.database_id !== undefined) {
    const id =
      normalizeId(parent.database_id) ?? badId('body.parent.database_id', parent.database_id);
    const db = ws.database(id, actor);
    const first = db.dataSourceIds[0];
    if (db.dataSourceIds.length !== 1 || !first) {
      throw validationError(
        `Database ${id} has ${db.dataSourceIds.length} data sources; use parent.data_source_id.`,
      );
    }
    return { ref: { type: 'data_source_id', id: first }, ds: ws.dataSource(first, actor) };
  }
  if (parent.page_id !== undefined) {
    const id = normalizeId(parent.page_id) ?? badId('body.parent.page_id', parent.page_id);
    ws.page(id, actor);
    return { ref: { type: 'page_id', id } };
  }
  if (parent.block_id !== undefined) {
    const id = normalizeId(parent.block_id) ?? badId('body.parent.block_id', parent.block_id);
    ws.anyBlock(id, actor);
    return { ref: { type: 'block_id', id } };
  }
  if (parent.workspace === true) {
    throw validationError(
      'Internal integrations cannot create workspace-level pages; use parent.page_id.',
    );
  }
  throw bodyValidationError(
    'body.parent',
    'should define page_id, data_source_id, database_id or block_id',
  );
}

function badId(path: string, value: unknown): never {
  throw bodyValidationError(
    path,
    `should be a valid uuid, instead was \`${JSON.stringify(value)}\``,
  );
}

export interface CreatePageInput {
  parent: ParentRef & { id: string };
  ds: DataSourceRecord | undefined;
  values: readonly [PropertySchema, JsonValue][];
  icon?: JsonValue;
  cover?: JsonValue;
  children?: readonly BlockDraft[];
  createdBy: string;
}

/** Creates a page (row or sub-page) from validated input. */
export function createPage(ws: Workspace, input: CreatePageInput): PageRecord {
  const now = ws.now();
  const page: PageRecord = {
    id: newId(),
    parent: input.parent,
    properties: {},
    icon: input.icon ?? null,
    cover: input.cover ?? null,
    createdTime: now,
    lastEditedTime: now,
    createdBy: input.createdBy,
    lastEditedBy: input.createdBy,
    inTrash: false,
    isLocked: false,
    isArchived: false,
    childIds: [],
  };
  if (input.ds) {
    for (const id of input.ds.propertyOrder) {
      const schema = input.ds.properties[id];
      if (schema?.type === 'unique_id') {
        const next = (input.ds.counters[id] ?? 0) + 1;
        input.ds.counters[id] = next;
        page.properties[id] = next;
      }
    }
  } else {
    page.properties.title = [];
  }
  ws.state.pages[page.id] = page;
  writeProperties(ws, page, input.values, input.createdBy);
  page.lastEditedTime = now;
  if (input.parent.type === 'data_source_id') input.ds?.rowIds.push(page.id);
  else ws.childIdsOf(input.parent.id)?.push(page.id);
  if (input.children && input.children.length > 0) {
    insertBlocks(
      ws,
      { type: 'page_id', id: page.id },
      input.children,
      input.createdBy,
      page.childIds,
      0,
    );
  }
  return page;
}

/** Removes `id` from whatever list holds it (parent's children or a data source's rows). */
export function detachFromParent(ws: Workspace, id: string, parent: ParentRef): void {
  if (parent.type === 'workspace') return;
  if (parent.type === 'data_source_id') {
    const ds = ws.state.dataSources[parent.id];
    if (ds) ds.rowIds = ds.rowIds.filter((x) => x !== id);
    return;
  }
  const list = ws.childIdsOf(parent.id);
  if (!list) return;
  const index = list.indexOf(id);
  if (index >= 0) list.splice(index, 1);
}

export function assertNotInTrash(record: { inTrash: boolean }, what: string): void {
  if (record.inTrash) {
    throw new NotionApiError(
      400,
      'validation_error',
      `Can't edit ${what} that is archived. You must unarchive the ${what} before editing.`,
    );
  }
}
