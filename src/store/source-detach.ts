// Detaching a source: what `notion-sync rebind` does to the old history of a source whose Notion
// id changed. Nothing is deleted: the source row is renamed `<name>.detached-<id>` and marked
// `detached`, its records, versions, runs, conflicts and outbox items stay attached to it (and
// readable through the store), and its views are dropped so the fresh source of the same name
// can take them. Pending outbox items of a detached source are never pushed.
import { type Kysely, sql } from 'kysely';
import { NotionSyncError } from '../errors.ts';
import type { StoreDialect } from './dialect.ts';
import type { Database } from './schema.ts';

export interface DetachSourceResult {
  sourceId: number;
  /** The name the old source row now has. */
  detachedName: string;
  records: number;
  /** Local edits that were waiting for a push; they stay with the detached source. */
  pendingOutbox: number;
}

/** The name a detached source row gets (unique: it carries the row id). */
export function detachedSourceName(name: string, sourceId: number): string {
  return `${name}.detached-${sourceId}`;
}

export async function detachSourceIn(
  trx: Kysely<Database>,
  dialect: StoreDialect,
  sourceId: number,
  now: string,
): Promise<DetachSourceResult> {
  const row = await trx
    .selectFrom('sources')
    .select(['name', 'view_name'])
    .where('id', '=', sourceId)
    .executeTakeFirst();
  if (!row) {
    throw new NotionSyncError('store_not_found', `No source with id ${sourceId} in the store.`, {
      details: { sourceId },
    });
  }
  if (row.view_name !== null) {
    for (const name of [row.view_name, `${row.view_name}_all`]) {
      if ((await dialect.relationKind(name, trx)) === 'view') {
        await sql.raw(`DROP VIEW ${dialect.viewRef(name)}`).execute(trx);
      }
    }
  }
  const detachedName = detachedSourceName(row.name, sourceId);
  await trx
    .updateTable('sources')
    .set({
      name: detachedName,
      view_name: null,
      access_state: 'detached',
      access_changed_at: now,
      access_reason: `detached from "${row.name}" by rebind`,
      updated_at: now,
    })
    .where('id', '=', sourceId)
    .execute();
  const records = await trx
    .selectFrom('records')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('source_id', '=', sourceId)
    .executeTakeFirstOrThrow();
  const pending = await trx
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('source_id', '=', sourceId)
    .where('state', '=', 'pending')
    .executeTakeFirstOrThrow();
  return {
    sourceId,
    detachedName,
    records: Number(records.n),
    pendingOutbox: Number(pending.n),
  };
}

/** The refusal of a source whose resolved Notion id is not the one its history belongs to. */
export function sourceReboundError(name: string, storedId: string, resolvedId: string) {
  return new NotionSyncError(
    'source_rebound',
    `Source "${name}" holds the history of Notion object ${storedId}, but the config now points ` +
      `it at ${resolvedId}; nothing was changed (its rows were not treated as deleted). ` +
      `To keep both, give the new one its own source name in the config; to start a fresh ` +
      `history for "${name}" (the old records are kept, detached), run \`notion-sync rebind ${name}\`.`,
    { details: { source: name, storedNotionId: storedId, resolvedNotionId: resolvedId } },
  );
}
