// The pull's two hooks for files: after each committed batch, download the files its new
// versions refer to (links just read, so fresh); at the end of the run, retry the references
// of current versions still waiting (a crash, an expired link, a full disk, a budget) and count
// what is not kept as a coverage gap.
import type { PageObjectResponse } from '@notionhq/client';
import type { FileRef } from '../../notion/index.ts';
import { GAP_STATES, RETRY_STATES } from '../../store/index.ts';
import type { CommitPullBatchResult, PulledRow } from '../store-api.ts';
import {
  createPageRefresher,
  downloadRefs,
  type FileDownloadCounts,
  type FilesEnvironment,
  type PageRefresher,
} from './download-files.ts';
import { toRefInput, withFileRefs } from './row-file-refs.ts';

export interface RunFiles {
  env: FilesEnvironment;
  refresh: PageRefresher;
  counts: FileDownloadCounts;
  /** Links read with the rows of the batch being committed. */
  urls: Map<string, FileRef[]>;
}

export function startRunFiles(env: FilesEnvironment): RunFiles {
  return {
    env,
    refresh: createPageRefresher(env),
    counts: { downloaded: 0, bytes: 0 },
    urls: new Map(),
  };
}

/** The batch's rows with their file references (before the commit). */
export function attachBatchFiles(
  files: RunFiles,
  rows: PulledRow[],
  pages: PageObjectResponse[],
): PulledRow[] {
  const { rows: out, urls } = withFileRefs(rows, pages, files.env.schema, files.env.settings);
  files.urls = urls;
  return out;
}

function add(counts: FileDownloadCounts, more: FileDownloadCounts): void {
  counts.downloaded += more.downloaded;
  counts.bytes += more.bytes;
}

/** Rows pulled unchanged whose current version has no file references yet get them. */
function backfill(files: RunFiles, committed: CommitPullBatchResult): Promise<number[]> {
  const entries = committed.rows.flatMap((row) => {
    const refs = row.versionId === null ? files.urls.get(row.pageId) : undefined;
    return refs
      ? [{ recordId: row.recordId, refs: refs.map((r) => toRefInput(r, files.env.settings)) }]
      : [];
  });
  return files.env.store.files.backfillRefs(entries);
}

/** Downloads the files of the versions the batch appended (after the commit). */
export async function keepBatchFiles(
  files: RunFiles,
  committed: CommitPullBatchResult,
): Promise<void> {
  if (files.urls.size === 0) return;
  const versionIds = committed.rows.flatMap((r) => (r.versionId === null ? [] : [r.versionId]));
  versionIds.push(...(await backfill(files, committed)));
  if (versionIds.length === 0) return;
  const refs = await files.env.store.files.list({ versionIds, states: ['pending'] });
  add(files.counts, await downloadRefs(files.env, refs, files.urls, files.refresh));
  files.urls = new Map();
}

/** Retries what is still waiting; returns how many files of current versions are not kept. */
export async function finishRunFiles(files: RunFiles, sourceId: number): Promise<number> {
  const { store } = files.env;
  if (files.env.settings.keep) {
    // External files kept as links become files once `files.external` is on; files over the
    // budget are not retried (each would cost a page read) while the budget is spent.
    const spent = files.env.budget.refused === true;
    const states = [
      ...RETRY_STATES.filter((s) => !(spent && s === 'over_budget')),
      ...(files.env.settings.external ? (['link'] as const) : []),
    ];
    const waiting = await store.files.list({ sourceId, states });
    add(files.counts, await downloadRefs(files.env, waiting, new Map(), files.refresh));
  }
  return (await store.files.list({ sourceId, states: GAP_STATES })).length;
}
