// Merge and write one item's values (push-merge.ts, push-policy.ts), then complete the item
// with Notion's state after the write in one store transaction — the echo of our own write is
// then no remote edit. Invariants: only properties of the schema snapshot are written, under
// their current Notion names; parked conflicts keep Notion's value.
import type { PageObjectResponse } from '@notionhq/client';
import { bookkeepingOf } from '../../config/index.ts';
import { encodePropertyValue, type PlainValue } from '../../notion/index.ts';
import {
  recognizeWrittenFiles,
  recordPushedFiles,
  uploadLocalFiles,
} from '../files/local-files.ts';
import type { OutboxPayload } from '../records-api.ts';
import type { JsonValue, OutboxItem, StoreRecord } from '../store-api.ts';
import { BODY_PROPERTY_ID, BODY_PROPERTY_NAME, mergeBody, writeBody } from './content/body-push.ts';
import { bookkeepingWrites } from './push-bookkeeping.ts';
import {
  baseVersionOf,
  type LivePage,
  livePageOf,
  notionStateOf,
  type PushContext,
  propertyOf,
} from './push-context.ts';
import { noteNotionTime } from './push-freshness.ts';
import { mergeProperties } from './push-merge.ts';
import { decideConflicts, parkConflicts } from './push-policy.ts';

type Properties = Record<string, Record<string, unknown>>;

/** Encodes values by property id into a request keyed by current property names. */
export function encodeWrites(
  ctx: PushContext,
  writes: Record<string, JsonValue>,
  live?: LivePage,
): Properties {
  const out: Properties = {};
  for (const [id, value] of Object.entries(writes)) {
    const property = propertyOf(ctx, id, live);
    if (!property) continue;
    out[live?.snapshot ? id : property.name] = encodePropertyValue(property, value as PlainValue);
  }
  return out;
}

export async function baseFields(
  ctx: PushContext,
  record: StoreRecord,
  payload?: OutboxPayload,
): Promise<Record<string, JsonValue> | null> {
  const id = baseVersionOf(record, payload);
  if (id === null) return null;
  return (await ctx.env.store.history.getVersionById(id))?.fields ?? null;
}

/** Merges, applies the policy, writes what is left to write and completes the item. */
export async function mergeAndWrite(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
  live: LivePage,
  base: Record<string, JsonValue> | null,
  payload: OutboxPayload,
): Promise<'written' | 'unchanged'> {
  const set = Object.fromEntries(
    Object.entries(payload.set).filter(([id]) => propertyOf(ctx, id) !== null),
  );
  const liveValues = await recognizeWrittenFiles(ctx.env.store, ctx.env.notion, set, live);
  const merged = mergeProperties(set, base, liveValues);
  const body =
    payload.content !== undefined
      ? await mergeBody(
          ctx,
          record,
          { ...payload, content: payload.content },
          live.page.id,
          item.op === 'create',
        )
      : null;
  const names = { ...live.names, [BODY_PROPERTY_ID]: BODY_PROPERTY_NAME };
  const decision = await decideConflicts(
    ctx,
    item,
    record,
    body?.conflict ? [...merged.conflicts, body.conflict] : merged.conflicts,
    names,
    live.page.last_edited_time,
  );
  const writes = { ...merged.writes };
  for (const c of decision.local)
    if (c.propertyId !== BODY_PROPERTY_ID) writes[c.propertyId] = c.local;
  if (ctx.options.preview) return 'unchanged';
  // The body first: a properties write after it answers with the page's latest edit time.
  const bodyWins = decision.local.some((c) => c.propertyId === BODY_PROPERTY_ID);
  const wrote = body ? await writeBody(ctx, live.page.id, body, bodyWins) : null;
  let after = live;
  let uploaded = new Map<string, string>();
  const parked = decision.parked.length > 0;
  if (Object.keys(writes).length > 0 || (parked && bookkeepingOf(ctx.config.target))) {
    const sent = await uploadLocalFiles(ctx.env.store, ctx.env.notion, writes);
    uploaded = sent.uploaded;
    const page = (await ctx.env.notion.pages.update({
      page_id: live.page.id,
      // A status the local side set itself (`pending`) wins over the one push would write.
      properties: {
        ...bookkeepingWrites(ctx, parked ? 'conflict' : 'synced'),
        ...encodeWrites(ctx, sent.writes, live),
      },
    } as Parameters<typeof ctx.env.notion.pages.update>[0])) as PageObjectResponse;
    noteNotionTime(ctx, page);
    after = await livePageOf(ctx, page);
  }
  await parkConflicts(ctx, item, record, decision.parked, names);
  const completed = await ctx.env.store.outbox.complete({
    outboxId: item.id,
    ...(record.pageId === null ? { pageId: live.page.id } : {}),
    notionState: await notionStateOf(ctx, after, record, wrote?.content),
    provenance: { runId: ctx.runId, trigger: ctx.trigger, requestId: null },
  });
  await recordPushedFiles(
    ctx.env.store,
    ctx.source.schema,
    completed.version?.id,
    record.id,
    after.page,
    uploaded,
  );
  return Object.keys(writes).length > 0 || wrote?.written ? 'written' : 'unchanged';
}

/** The page of a create that may already exist (adopted by a pull, or found by its sync key). */
