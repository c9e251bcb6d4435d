// Notion-side bookkeeping a table target may ask for (`target.bookkeeping`): a date property with
// the time push last wrote the page (`lastSynced`) and a select with its state (`syncStatus`:
// synced / pending / conflict). Push adds them to a write it makes anyway — or writes them alone
// when it parks a conflict — and stores Notion's state after that write like any other, so the
// next pull sees no change: they never cause echo versions, and a sync with nothing to do writes
// nothing.
import { bookkeepingOf, type SourceConfig } from '../../config/index.ts';
import type { NotionClient } from '../../notion/index.ts';
import type { PushContext } from './push-context.ts';

export type SyncStatus = 'synced' | 'pending' | 'conflict';
export const SYNC_STATUSES: readonly SyncStatus[] = ['synced', 'pending', 'conflict'];

type Properties = Record<string, Record<string, unknown>>;

/** The bookkeeping values to add to a write of the page, or none when not configured. */
export function bookkeepingWrites(ctx: PushContext, status: SyncStatus): Properties {
  const names = bookkeepingOf(ctx.config.target);
  if (!names) return {};
  const out: Properties = {};
  if (names.lastSynced) {
    out[names.lastSynced] = { date: { start: new Date(ctx.env.clock.now()).toISOString() } };
  }
  if (names.syncStatus) out[names.syncStatus] = { select: { name: status } };
  return out;
}

/** Adds the bookkeeping properties to the data source when missing (date, select). */
export async function ensureBookkeepingProperties(
  notion: NotionClient,
  dataSourceId: string,
  config: SourceConfig,
): Promise<boolean> {
  const names = bookkeepingOf(config.target);
  if (!names?.lastSynced && !names?.syncStatus) return false;
  const ds = (await notion.dataSources.retrieve({ data_source_id: dataSourceId })) as {
    properties?: Record<string, { type: string }>;
  };
  const missing: Properties = {};
  if (names.lastSynced && !ds.properties?.[names.lastSynced])
    missing[names.lastSynced] = { date: {} };
  if (names.syncStatus && !ds.properties?.[names.syncStatus]) {
    missing[names.syncStatus] = { select: { options: SYNC_STATUSES.map((name) => ({ name })) } };
  }
  if (Object.keys(missing).length === 0) return false;
  await notion.dataSources.update({
    data_source_id: dataSourceId,
    properties: missing,
  } as Parameters<NotionClient['dataSources']['update']>[0]);
  return true;
}
