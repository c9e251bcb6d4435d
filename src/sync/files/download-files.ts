// Downloads of the files versions refer to. Invariants:
// - bytes are stored (written to a temp file, hashed, renamed; or one row) BEFORE any reference
//   names their hash, so a crash, a dropped connection or a full disk leaves references
//   `pending`/`failed` — retried by the next pull — and never a reference to missing bytes;
// - one download per identity (the URL without its signature) per run, however many references
//   name it; an identity already stored is never downloaded again (see insertVersionFilesIn);
// - a link that expired is refreshed by re-reading its page once (properties, icon and cover
//   from the page; content from its Markdown), and a file no longer in the page, or no longer in
//   Notion's storage, is `gone`: a coverage gap;
// - downloads are no Notion API calls: they bypass the connection's pacing and are not counted.
import type { PageObjectResponse } from '@notionhq/client';
import { NotionSyncError } from '../../errors.ts';
import type { FileRef, NotionClient } from '../../notion/index.ts';
import type { Clock, Logger } from '../../shared/index.ts';
import type { FileOutcome, FileRefState, VersionFile } from '../../store/index.ts';
import { mapLimit } from '../map-limit.ts';
import { readPageMarkdown } from '../pull/content.ts';
import type { SourceSchema, Store } from '../store-api.ts';
import type { FilesSettings } from './files-settings.ts';
import { fileRefsOfPage } from './row-file-refs.ts';

/** Downloads whose outcome commits in one transaction. */
const OUTCOME_GROUP = 16;

export interface FilesEnvironment {
  store: Store;
  notion: NotionClient;
  clock: Clock;
  logger: Logger;
  settings: FilesSettings;
  schema: SourceSchema;
  /** Bytes of `files.totalBytes` used, counted through the run (null until first needed). */
  budget: { usedBytes: number | null; loading?: Promise<number>; refused?: boolean };
}

export interface FileDownloadCounts {
  downloaded: number;
  bytes: number;
}

type Outcome =
  | { state: 'stored'; hash: string; sizeBytes: number; contentType: string | null }
  | { state: FileRefState; error: string };

/** Fresh references of a page, read at most once per kind (page / Markdown) per run. */
export function createPageRefresher(env: FilesEnvironment) {
  const pages = new Map<string, Promise<FileRef[]>>();
  const contents = new Map<string, Promise<FileRef[]>>();
  const readPage = async (pageId: string) => {
    const page = (await env.notion.pages.retrieve({ page_id: pageId })) as PageObjectResponse;
    return fileRefsOfPage(page, env.schema, null);
  };
  const readContent = async (pageId: string) => {
    const read = await readPageMarkdown(env.notion, pageId);
    return read
      ? fileRefsOfPage({ properties: {} } as PageObjectResponse, env.schema, read.markdown)
      : [];
  };
  return async (pageId: string, slot: string): Promise<FileRef[]> => {
    const cache = slot.startsWith('content:') ? contents : pages;
    let found = cache.get(pageId);
    if (!found) {
      found = (slot.startsWith('content:') ? readContent : readPage)(pageId).catch((error) => {
        if ((error as NotionSyncError).code === 'notion_not_found') return [];
        throw error;
      });
      cache.set(pageId, found);
    }
    return found;
  };
}

export type PageRefresher = ReturnType<typeof createPageRefresher>;

async function refreshed(refresh: PageRefresher, ref: VersionFile): Promise<FileRef | null> {
  if (!ref.pageId) return null;
  const fresh = await refresh(ref.pageId, ref.slot);
  return fresh.find((r) => r.identity === ref.identity) ?? null;
}

function outcomeOf(error: unknown): Outcome {
  const code = error instanceof NotionSyncError ? error.code : 'internal';
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'file_gone') return { state: 'gone', error: message };
  if (code === 'file_too_large') return { state: 'too_large', error: message };
  return { state: 'failed', error: message };
}

/**
 * Reserves `sizeBytes` of `files.totalBytes` for a download; false when they do not fit. The
 * bytes stored so far are read once per run, then every reservation of the run is counted, so
 * concurrent downloads cannot pass the budget together (a file without a length is counted once
 * stored, so it may pass the budget by itself).
 */
async function reserveBudget(env: FilesEnvironment, sizeBytes: number): Promise<boolean> {
  const budget = env.settings.totalBytes;
  if (budget === null) return true;
  if (env.budget.usedBytes === null) {
    // Read once: concurrent first reservations share the one read.
    env.budget.loading ??= env.store.files.totalBytes();
    const stored = await env.budget.loading;
    env.budget.usedBytes ??= stored;
  }
  if (env.budget.usedBytes + sizeBytes > budget) {
    env.budget.refused = true;
    return false;
  }
  env.budget.usedBytes += sizeBytes;
  return true;
}

async function storeOnce(
  env: FilesEnvironment,
  url: string,
  counts: FileDownloadCounts,
): Promise<Outcome> {
  const download = await env.notion.openFile(url);
  const { maxBytes } = env.settings;
  if (download.sizeBytes !== null && download.sizeBytes > maxBytes) {
    await download.body[Symbol.asyncIterator]().return?.();
    return {
      state: 'too_large',
      error: `${download.sizeBytes} bytes is over files.maxBytes (${maxBytes}).`,
    };
  }
  const reserved = download.sizeBytes ?? 0;
  if (!(await reserveBudget(env, reserved))) {
    await download.body[Symbol.asyncIterator]().return?.();
    return {
      state: 'over_budget',
      error: `Keeping it would pass files.totalBytes (${env.settings.totalBytes}).`,
    };
  }
  let stored: { hash: string; sizeBytes: number };
  try {
    stored = await env.store.blobs.write(download.body, {
      maxBytes,
      expectedBytes: download.sizeBytes,
    });
  } catch (error) {
    if (env.budget.usedBytes !== null) env.budget.usedBytes -= reserved;
    throw error;
  }
  if (env.budget.usedBytes !== null) env.budget.usedBytes += stored.sizeBytes - reserved;
  counts.downloaded += 1;
  counts.bytes += stored.sizeBytes;
  return { state: 'stored', ...stored, contentType: download.contentType };
}

/** Downloads one identity; refreshes an expired link once by re-reading its page. */
async function downloadIdentity(
  env: FilesEnvironment,
  ref: VersionFile,
  known: FileRef | undefined,
  refresh: PageRefresher,
  counts: FileDownloadCounts,
): Promise<Outcome> {
  let current: FileRef | null | undefined = known;
  const expired = (r: FileRef | null | undefined) =>
    !r || (r.expiresMs !== null && r.expiresMs <= env.clock.now());
  if (expired(current)) current = await refreshed(refresh, ref);
  for (let attempt = 0; ; attempt += 1) {
    if (!current) return { state: 'gone', error: 'The file is no longer in the page.' };
    try {
      return await storeOnce(env, current.url, counts);
    } catch (error) {
      if ((error as NotionSyncError).code !== 'file_expired' || attempt > 0)
        return outcomeOf(error);
      current = await refreshed(refresh, ref);
    }
  }
}

/**
 * Downloads what `refs` name (pending references), one download per identity, and records the
 * outcome on every reference. `urls` holds links read in this run, by page id.
 */
export async function downloadRefs(
  env: FilesEnvironment,
  refs: VersionFile[],
  urls: Map<string, FileRef[]>,
  refresh: PageRefresher,
): Promise<FileDownloadCounts> {
  const counts: FileDownloadCounts = { downloaded: 0, bytes: 0 };
  const byIdentity = new Map<string, VersionFile[]>();
  for (const ref of refs)
    byIdentity.set(ref.identity, [...(byIdentity.get(ref.identity) ?? []), ref]);
  // Outcomes are committed in groups (one transaction each: the stored files' rows and the
  // references naming them), so a crash loses at most one group's bookkeeping — never more
  // than bytes the next pull stores again.
  let pending: FileOutcome[] = [];
  let flushing = Promise.resolve();
  const flush = () => {
    const group = pending;
    pending = [];
    flushing = flushing.then(() => env.store.files.recordOutcomes(group));
    return flushing;
  };
  await mapLimit([...byIdentity.values()], env.settings.concurrency, async (group) => {
    const first = group[0]!;
    const known = group
      .flatMap((r) => urls.get(r.pageId ?? '') ?? [])
      .find((u) => u.identity === first.identity);
    const outcome = await downloadIdentity(env, first, known, refresh, counts).catch(outcomeOf);
    if (outcome.state !== 'stored')
      env.logger.debug({ identity: first.identity, state: outcome.state }, 'file not kept');
    pending.push({ ...outcome, refIds: group.map((r) => r.id) } as FileOutcome);
    if (pending.length >= OUTCOME_GROUP) await flush();
  });
  await flush();
  return counts;
}
