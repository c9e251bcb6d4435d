// `rebind`: a fresh history for a source whose Notion object changed. Invariant: nothing is
// deleted — the old source row, its records, versions, runs and outbox are renamed aside and
// marked detached in one transaction, under the source's lease (never during a run of it).
import type { SourceConfig } from '../config/index.ts';
import type { RebindResult } from './engine-types.ts';
import { createRunMeter, startRun } from './runs.ts';
import type { Store } from './store-api.ts';
import { unknownSourceError } from './unknown-source.ts';

export async function rebindSource(
  store: Store,
  sources: SourceConfig[],
  name: string,
  lease: { trigger: string; staleAfterMs: number; heartbeatMs: number },
): Promise<RebindResult> {
  const config = sources.find((s) => s.name === name);
  if (!config) throw unknownSourceError(name, sources);
  const source = await store.sources.getByName(name);
  if (!source) return { source: name, detached: null };
  const run = await startRun(store, {
    kind: 'rebind',
    sourceId: source.id,
    sourceName: name,
    ...lease,
  });
  try {
    const detached = await store.sources.detach(source.id);
    await run.finish('ok', createRunMeter());
    return { source: name, detached };
  } catch (error) {
    await run.finish('failed', createRunMeter());
    throw error;
  }
}
