// A pull in a process of its own, for the crash test: `node pull-child.ts` with PULL_CHILD set
// to JSON { storeUrl, storeSchema?, baseUrl, token, dataSourceId }. Prints one line per
// committed batch (`batch <rows fetched>`) so the parent knows when to kill it.
import { createNotionClient } from '../../notion/index.ts';
import { createStore } from '../../store/index.ts';
import { createEngine } from '../engine.ts';

interface ChildInput {
  storeUrl: string;
  storeSchema?: string;
  baseUrl: string;
  token: string;
  dataSourceId: string;
}

const input = JSON.parse(process.env.PULL_CHILD ?? '{}') as ChildInput;
const store = await createStore({
  url: input.storeUrl,
  ...(input.storeSchema ? { schema: input.storeSchema } : {}),
});
const notion = createNotionClient({
  token: input.token,
  baseUrl: input.baseUrl,
  pacing: { requestsPerSecond: 10_000, burst: 10_000, maxInFlight: 4 },
});
const engine = createEngine({
  config: { sources: [{ name: 'crashy', dataSource: input.dataSourceId }] },
  store,
  notion,
});
const result = await engine.pull(['crashy'], {
  trigger: 'crash-test',
  onProgress: (p) => {
    if (p.phase === 'rows') process.stdout.write(`batch ${p.counts.fetched}\n`);
  },
});
process.stdout.write(`done ${JSON.stringify(result.sources[0]?.counts)}\n`);
await store.close();
