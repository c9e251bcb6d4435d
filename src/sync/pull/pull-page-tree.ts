// Pull of a page source. Two ways, both committing pages batch by batch (pull-run.ts):
// - a COMPLETE walk from the source page (page-tree.ts): the first pull, `pull --full`, and
//   whenever the source's `reconcile` interval has passed since the last one; it lists the
//   whole tree, so it — and only it — reconciles deletions and moves (DESIGN.md §5): a stored
//   page it did not list is confirmed by a retrieve, and tombstoned `trashed` when in the trash,
//   `missing` when gone or now under a page outside the tree;
// - between complete walks, an INCREMENTAL pull: search tells which pages were edited since the
//   previous run (page-tree-changes.ts); only those whose last_edited_time moved are read (one
//   Markdown call each), their new child pages are walked, unchanged subtrees are never
//   re-walked, and pages search shows as trashed are confirmed and tombstoned.
// A crash at any point leaves committed batches; the next pull starts over from its own hint
// window (or a complete walk), and the hash skip keeps re-read pages from making new versions.
import type { PageObjectResponse } from '@notionhq/client';
import { parseDuration } from '../../shared/index.ts';
import type { ResolvedSource } from '../resolve-source.ts';
import type { Source } from '../store-api.ts';
import type { ContentRead } from './content.ts';
import { type TreeNode, type TreeWalkOptions, walkPageTree } from './page-tree.ts';
import { findTreeChanges, SEARCH_LAG_MS } from './page-tree-changes.ts';
import {
  applyReconcile,
  commitBatch,
  type RunState,
  report,
  rowContext,
  settledBefore,
} from './pull-run.ts';
import { confirmDeletions } from './reconcile.ts';
import { isSettled, type RowPipelineContext } from './row-pipeline.ts';
import { treeAdoption } from './tree-adopt.ts';

type PageResolved = Extract<ResolvedSource, { kind: 'page' }>;

interface TreeRun {
  state: RunState;
  source: Source;
  ctx: RowPipelineContext;
  parents: Map<string, string | null>;
  contents: Map<string, ContentRead>;
}

async function completeWalkDue(state: RunState, source: Source, settled: number) {
  if (state.options.full === true || settled === 0) return true;
  const checkpoint = await state.env.store.checkpoints.read(source.id);
  const last = checkpoint?.lastCompleteReconcileAt;
  if (!last) return true;
  const interval =
    (state.config.reconcile ? parseDuration(state.config.reconcile) : undefined) ??
    state.env.reconcileIntervalMs;
  return state.env.clock.now() - Date.parse(last) >= interval;
}

/** Walks from `roots`, committing each batch; returns the ids it listed. */
async function walkAndCommit(run: TreeRun, roots: TreeNode[], options: TreeWalkOptions) {
  const { state, ctx } = run;
  const listed = new Set<string>();
  const walk = walkPageTree(state.env.notion, roots, {
    concurrency: state.env.concurrency,
    ...options,
  });
  for await (const batch of walk) {
    for (const entry of batch) {
      run.parents.set(entry.page.id, entry.parentId);
      run.contents.set(entry.page.id, entry.content);
      listed.add(entry.page.id);
    }
    const pages = batch.map((e) => e.page);
    await commitBatch(state, ctx, { pages, checkpoint: {} }, state.lease!.run.id);
    for (const entry of batch) run.contents.delete(entry.page.id);
  }
  return listed;
}

async function pullComplete(run: TreeRun, resolved: PageResolved) {
  const { state, source } = run;
  const listed = await walkAndCommit(run, [{ page: resolved.page, parentId: null }], {});
  const check = async () =>
    void (await state.env.notion.pages.retrieve({ page_id: source.notionId }));
  // A page still there but not listed raced the walk if its parent page was listed (or it sits
  // in a block, which this cannot follow cheaply); under any other page it moved out.
  const belongs = (page: PageObjectResponse) => {
    const parent = page.parent as { type?: string; page_id?: string };
    return parent.type !== 'page_id' || listed.has(parent.page_id ?? '');
  };
  await applyReconcile(state, source, listed, check, belongs);
}

/** False when the hint cannot be used (too many edits): the caller walks the whole tree. */
async function pullIncremental(run: TreeRun, resolved: PageResolved, settled: number) {
  const { state, source, ctx } = run;
  const { store, notion } = state.env;
  const all = new Set(await store.records.listPageIds(source.id, { includeTombstoned: true }));
  const live = new Set(await store.records.listPageIds(source.id));
  const since = settled - state.env.overlapMs - SEARCH_LAG_MS;
  const changes = await findTreeChanges(notion, resolved.page, since, { all, live });
  if (!changes) return false;
  const states = await store.records.getStates(
    source.id,
    changes.edited.map((node) => node.page.id),
  );
  const moved = changes.edited.filter(
    (node) => !isSettled(states.get(node.page.id), node.page, ctx),
  );
  const movedIds = new Set(moved.map((node) => node.page.id));
  const seen = new Set([...live].filter((id) => !movedIds.has(id)));
  await walkAndCommit(run, moved, { seen, known: changes.hits });
  if (changes.trashed.length > 0) await tombstoneTrashed(state, source, changes.trashed);
  return true;
}

async function tombstoneTrashed(state: RunState, source: Source, candidates: string[]) {
  report(state, 'reconcile');
  const result = await confirmDeletions(
    {
      notion: state.env.notion,
      store: state.env.store,
      sourceId: source.id,
      belongs: () => true,
      checkSourceAccess: async () =>
        void (await state.env.notion.pages.retrieve({ page_id: source.notionId })),
      runId: state.lease!.run.id,
      concurrency: state.env.concurrency,
    },
    candidates,
  );
  if (result.accessLost) throw result.accessError;
  state.meter.counts.deleted += result.trashed + result.missing;
}

export async function pullPageTree(state: RunState, source: Source, resolved: PageResolved) {
  state.mode = 'page_tree';
  const parents = new Map<string, string | null>();
  const contents = new Map<string, ContentRead>();
  const settled = await settledBefore(state, source.id);
  const adopt =
    (state.config.direction ?? 'pull') === 'pull'
      ? undefined
      : await treeAdoption(state.env.notion, state.env.store, source.id, state.env.overlapMs);
  const ctx = rowContext(
    state,
    source,
    {
      parentOf: (page) => parents.get(page.id) ?? null,
      contentOf: (pageId) => contents.get(pageId),
      ...(adopt ? { syncKeyOf: adopt } : {}),
    },
    settled,
  );
  const run: TreeRun = { state, source, ctx, parents, contents };
  if (
    !(await completeWalkDue(state, source, settled)) &&
    (await pullIncremental(run, resolved, settled))
  )
    return;
  await pullComplete(run, resolved);
}
