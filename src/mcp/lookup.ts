// Finding what a tool names: a configured source, a stored page. Unknown names become
// `source_not_found` / `store_not_found` naming the closest match, so the model can retry.
import { NotionSyncError } from '../errors.ts';
import { findClosest, parseNotionId } from '../shared/index.ts';
import type { Source, StoreRecord } from '../store/index.ts';
import type { ToolContext } from './tool-kit.ts';

/** The stored source named `name`; `source_not_found` (with the closest name) otherwise. */
export async function findSource(ctx: ToolContext, name: string): Promise<Source> {
  const configured = ctx.sources.find((s) => s.name === name);
  const source = configured ? await ctx.store.sources.getByName(name) : null;
  if (source) return source;
  if (configured) {
    throw new NotionSyncError(
      'store_not_found',
      `Source "${name}" is configured but not pulled yet; call the sync tool with action "pull" and source "${name}" first.`,
      { details: { source: name } },
    );
  }
  const names = ctx.sources.map((s) => s.name);
  const closest = findClosest(name, names);
  throw new NotionSyncError(
    'source_not_found',
    `No source named "${name}".${closest ? ` Did you mean "${closest}"?` : ''} Sources: ${names.join(', ') || 'none configured'}.`,
    { details: { source: name, ...(closest ? { closest } : {}), sources: names } },
  );
}

/** The stored record of a page (id or URL, or a title); `store_not_found` with a suggestion. */
export async function findPage(ctx: ToolContext, ref: string): Promise<StoreRecord> {
  const pageId = parseNotionId(ref);
  const records = await ctx.store.records.findByKey(pageId ?? ref);
  const record = records.find((r) => r.tombstone === null) ?? records[0];
  if (record) return record;
  const suggestion = await suggestPage(ctx, ref, pageId);
  throw new NotionSyncError(
    'store_not_found',
    `No page "${ref}" in the local copy.${suggestion ? ` Closest match: ${suggestion.pageId} ("${suggestion.title}").` : ''} Use search or query to find page ids.`,
    { details: { page: ref, ...(suggestion ? { closest: suggestion.pageId } : {}) } },
  );
}

async function suggestPage(
  ctx: ToolContext,
  ref: string,
  pageId: string | null | undefined,
): Promise<{ pageId: string; title: string } | null> {
  if (!pageId) {
    const [hit] = await ctx.store.search.search({ query: ref, limit: 1 });
    return hit?.pageId ? { pageId: hit.pageId, title: hit.title } : null;
  }
  const sources = await ctx.store.sources.list();
  const ids = (await Promise.all(sources.map((s) => ctx.store.records.listPageIds(s.id)))).flat();
  const closest = findClosest(pageId, ids);
  return closest ? { pageId: closest, title: '' } : null;
}
