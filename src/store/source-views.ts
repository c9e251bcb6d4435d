// Per-source SQL views: `<name>` holds the current version of each live (non-tombstoned) record,
// `<name>_all` also the tombstoned ones with `_tombstone`/`_tombstoned_at`. One column per
// property, named from the property name (or its configured column), values read from the
// current version's fields by Notion property id — so a rename only renames the column.
// `_pending` says whether a local edit of the row waits in the outbox: null (nothing waits),
// `pending` (push will send it) or `dead` (refused or out of attempts: `notion-sync outbox`).
// Rebuilt inside the transaction that changes the schema; never replaces a user's object.
import { type Kysely, sql } from 'kysely';
import { type Logger, sanitizeIdentifier } from '../shared/index.ts';
import type { StoreDialect } from './dialect.ts';
import { quoteIdentifier } from './dialect.ts';
import type { Database } from './schema.ts';
import type { Source } from './store-types.ts';

const META_COLUMNS: readonly [string, string][] = [
  ['_page_id', 'r.page_id'],
  ['_local_key', 'r.local_key'],
  ['_version', 'v.seq'],
  ['_origin', 'v.origin'],
  ['_last_edited_time', 'r.notion_last_edited_time'],
  ['_created_time', 'r.created_time'],
  ['_synced_at', 'v.created_at'],
];

/**
 * Bumped whenever the views' columns change: part of the stored schema hash, so existing stores
 * rebuild their views at the next pull (2: `_pending`).
 */
export const VIEW_FORMAT = 2;

/** `dead` when a dead-lettered edit of the row waits, else `pending` when one waits, else null. */
function pendingExpression(dialect: StoreDialect): string {
  return (
    `(SELECT MIN(CASE WHEN o.state = 'dead' THEN 'dead' ELSE 'pending' END) ` +
    `FROM ${dialect.tableRef('outbox')} o WHERE o.record_id = r.id ` +
    `AND o.state IN ('pending', 'in_flight', 'dead'))`
  );
}

export { sanitizeIdentifier };

/**
 * View column names for the source's properties: the title first, then by name; unique (a clash
 * gets `_2`, `_3`, …) and never one of the `_` meta columns.
 */
export function planViewColumns(
  source: Source,
): { propertyId: string; column: string; type: string }[] {
  const taken = new Set(
    META_COLUMNS.map(([name]) => name).concat(['_pending', '_tombstone', '_tombstoned_at']),
  );
  const planned: { propertyId: string; column: string; type: string }[] = [];
  // jsonb does not keep key order, so order columns explicitly: the title, then by name.
  const properties = Object.values(source.schema.properties).sort(
    (a, b) =>
      Number(b.type === 'title') - Number(a.type === 'title') ||
      a.name.localeCompare(b.name) ||
      a.id.localeCompare(b.id),
  );
  for (const property of properties) {
    const base = sanitizeIdentifier(property.column ?? property.name, 'property');
    let column = base;
    for (let n = 2; taken.has(column); n++) column = `${base}_${n}`;
    taken.add(column);
    planned.push({ propertyId: property.id, column, type: property.type });
  }
  return planned;
}

function viewSelect(dialect: StoreDialect, source: Source, includeTombstoned: boolean): string {
  const columns = META_COLUMNS.map(([name, expr]) => `${expr} AS ${quoteIdentifier(name)}`);
  columns.push(`${pendingExpression(dialect)} AS "_pending"`);
  if (includeTombstoned) {
    columns.push(`r.tombstone AS "_tombstone"`, `r.tombstoned_at AS "_tombstoned_at"`);
  }
  for (const { propertyId, column, type } of planViewColumns(source)) {
    columns.push(`${dialect.fieldExpression('v', propertyId, type)} AS ${quoteIdentifier(column)}`);
  }
  const where = [`r.source_id = ${Number(source.id)}`];
  if (!includeTombstoned) where.push('r.tombstone IS NULL');
  return (
    `SELECT ${columns.join(', ')} FROM ${dialect.tableRef('records')} r ` +
    `JOIN ${dialect.tableRef('versions')} v ON v.id = r.current_version_id ` +
    `WHERE ${where.join(' AND ')}`
  );
}

/**
 * The view name for `source`: its sanitized name, unless a table or someone else's view already
 * holds that name — then `<name>_notion`.
 */
async function chooseViewName(
  trx: Kysely<Database>,
  dialect: StoreDialect,
  source: Source,
): Promise<string> {
  const base = sanitizeIdentifier(source.name, 'source');
  const candidates = [base, `${base}_notion`, `${base}_notion_${source.id}`];
  for (const name of candidates) {
    const usable = await Promise.all(
      [name, `${name}_all`].map(async (n) => {
        const kind = await dialect.relationKind(n, trx);
        return kind === null || (kind === 'view' && source.viewName === name);
      }),
    );
    if (usable.every(Boolean) && !name.startsWith('ns_')) return name;
  }
  return `notion_source_${source.id}`;
}

/** Drops and recreates the source's two views; returns the view name now in use. */
export async function rebuildSourceViews(
  trx: Kysely<Database>,
  dialect: StoreDialect,
  source: Source,
  logger: Logger,
): Promise<string> {
  if (source.viewName !== null) {
    for (const name of [source.viewName, `${source.viewName}_all`]) {
      if ((await dialect.relationKind(name, trx)) === 'view') {
        await sql.raw(`DROP VIEW ${dialect.viewRef(name)}`).execute(trx);
      }
    }
  }
  const name = await chooseViewName(trx, dialect, { ...source, viewName: null });
  if (name !== sanitizeIdentifier(source.name, 'source')) {
    logger.warn(
      { source: source.name, view: name },
      'view name taken by another object; using an alternative',
    );
  }
  await sql
    .raw(`CREATE VIEW ${dialect.viewRef(name)} AS ${viewSelect(dialect, source, false)}`)
    .execute(trx);
  await sql
    .raw(`CREATE VIEW ${dialect.viewRef(`${name}_all`)} AS ${viewSelect(dialect, source, true)}`)
    .execute(trx);
  return name;
}
