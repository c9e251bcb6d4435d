// One full pull of the bench data source (bench-source.ts) by an engine: the sources' or the built
// package's, passed in, so the engine child of `npm run bench:pull` loads only what it measures.
import type { NotionClient } from '../src/notion/index.ts';
import type { Store } from '../src/store/index.ts';
import type { createEngine } from '../src/sync/index.ts';

/** Pulls the bench source once; returns its result and the wall time in seconds. */
export async function pullBenchSource(
  store: Store,
  notion: NotionClient,
  dataSourceId: string,
  engineOf: typeof createEngine,
) {
  const engine = engineOf({
    config: { sources: [{ name: 'bench', dataSource: dataSourceId }] },
    store,
    notion,
  });
  const started = performance.now();
  const result = await engine.pull(['bench']);
  return { source: result.sources[0]!, seconds: (performance.now() - started) / 1000 };
}
