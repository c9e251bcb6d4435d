// Child process of the crash test: resumes from the stored checkpoint and commits batches with
// their checkpoints until it is killed. Batch n holds 20 new pages, re-sends 4 unchanged pages of
// batch n-1 (the overlap window) and one changed page of batch n-1; the checkpoint cursor is n.
// Usage: node crash-child.ts <store url> [<postgres schema>]
import { hashValue } from '../../shared/index.ts';
import { createStore } from '../store.ts';

export const NEW_ROWS_PER_BATCH = 20;

function row(batch: number, index: number, title: string) {
  const fields = { title, batch, index };
  return {
    pageId: `b${batch}-r${index}`,
    fields,
    hash: hashValue(fields),
    notionLastEditedTime: new Date(Date.UTC(2026, 0, 1) + batch * 60_000).toISOString(),
    createdTime: '2026-01-01T00:00:00.000Z',
  };
}

/** The rows of batch `n`, as the crash test expects them. */
export function batchRows(n: number) {
  const rows = [];
  for (let i = 0; i < NEW_ROWS_PER_BATCH; i++) rows.push(row(n, i, `page ${i} of batch ${n}`));
  if (n > 0) {
    rows.push(row(n - 1, 0, `page 0 of batch ${n - 1}, edited in batch ${n}`));
    for (let i = 1; i <= 4; i++) rows.push(row(n - 1, i, `page ${i} of batch ${n - 1}`));
  }
  return rows;
}

async function main(): Promise<void> {
  const [url, schema] = process.argv.slice(2);
  const store = await createStore({ url: url ?? ':memory:', ...(schema ? { schema } : {}) });
  const { source } = await store.sources.upsert({
    name: 'crash',
    kind: 'data_source',
    notionId: 'ds',
  });
  process.stdout.write('ready\n');
  const parent = process.ppid;
  for (;;) {
    // Killing is the test's job; a child whose test runner died (timeout, crash) must not write
    // forever as an orphan.
    if (process.ppid !== parent) process.exit(0);
    const checkpoint = await store.checkpoints.read(source.id);
    const next = checkpoint?.cursor ? Number(checkpoint.cursor) + 1 : 0;
    await store.records.commitPullBatch({
      sourceId: source.id,
      rows: batchRows(next),
      checkpoint: { cursor: String(next), cursorPageId: `b${next}-r${NEW_ROWS_PER_BATCH - 1}` },
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
