// Pull of a page source: walk the tree (page-tree.ts), commit pages batch by batch, and — the
// walk being a complete listing once it finished — reconcile deletions.
import { iteratePageTree } from './page-tree.ts';
import {
  applyReconcile,
  commitBatch,
  type RunState,
  rowContext,
  settledBefore,
} from './pull-run.ts';
import type { ResolvedSource } from './resolve-source.ts';
import type { Source } from './store-api.ts';

export async function pullPageTree(
  state: RunState,
  source: Source,
  resolved: Extract<ResolvedSource, { kind: 'page' }>,
) {
  const runId = state.lease!.run.id;
  state.mode = 'page_tree';
  const parents = new Map<string, string | null>();
  const ctx = rowContext(
    state,
    source,
    { parentOf: (page) => parents.get(page.id) ?? null },
    await settledBefore(state, source.id),
  );
  const listed = new Set<string>();
  for await (const batch of iteratePageTree(state.env.notion, resolved.page)) {
    for (const entry of batch) {
      parents.set(entry.page.id, entry.parentId);
      listed.add(entry.page.id);
    }
    await commitBatch(state, ctx, { pages: batch.map((e) => e.page), checkpoint: {} }, runId);
  }
  const check = async () =>
    void (await state.env.notion.pages.retrieve({ page_id: source.notionId }));
  await applyReconcile(state, source, listed, check, () => true);
}
