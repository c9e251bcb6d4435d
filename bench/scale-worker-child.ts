// A stand-in worker process of `npm run bench:scale --driver self`: the engine over the bench
// config (a PostgreSQL store, `notion.rateBudget: shared`), running one pull at a time as the
// parent hands them out over IPC — what `notion-sync worker --concurrency 1` does with pg-boss,
// without the queue. Used when the real worker is not available.
import { readConfig } from '../src/config/index.ts';
import { createStore } from '../src/store/index.ts';
import { createEngine } from '../src/sync/index.ts';

const [configPath] = process.argv.slice(2) as [string];
const { config } = readConfig({ cwd: process.cwd(), configPath, env: process.env });
const store = await createStore({ url: config.store });
const engine = createEngine({ config, store });

process.on('message', async (message: { source?: string; stop?: boolean }) => {
  if (message.stop) {
    await store.close();
    process.exit(0);
  }
  const source = message.source as string;
  const result = await engine.pull([source], { trigger: 'schedule' });
  const pulled = result.sources[0];
  process.send?.({ source, status: pulled?.status, rows: pulled?.counts.created ?? 0 });
});
process.send?.({ ready: true });
