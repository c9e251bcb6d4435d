// Invariant: a pull killed with SIGKILL at any point loses nothing — each batch was committed
// with its checkpoint — and the next pull ends in exactly the state an uninterrupted pull
// reaches, with no duplicate version.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { systemClock } from '../shared/index.ts';
import { storeFactories } from '../store/test-support/store-factories.ts';
import type { Store } from './store-api.ts';
import { createPullHarness } from './test-support/pull-harness.ts';

const CHILD = fileURLToPath(new URL('./test-support/pull-child.ts', import.meta.url));

/** Starts the child pull and kills it with SIGKILL once `afterBatches` batches are committed. */
function pullAndKill(env: Record<string, unknown>, afterBatches: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], {
      env: { ...process.env, PULL_CHILD: JSON.stringify(env) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let batches = 0;
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.stdout.on('data', (chunk: Buffer) => {
      batches += String(chunk)
        .split('\n')
        .filter((l) => l.startsWith('batch')).length;
      if (batches >= afterBatches) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(batches);
      else reject(new Error(`child exited with ${code} before it was killed: ${stderr}`));
    });
  });
}

/** Everything a pull leaves behind, per page: its versions' hashes and fields. */
async function snapshot(store: Store, sourceName: string) {
  const source = (await store.sources.getByName(sourceName))!;
  const ids = await store.records.listPageIds(source.id, { includeTombstoned: true });
  const out: Record<string, { hash: string; fields: unknown }[]> = {};
  for (const id of ids) {
    const record = (await store.records.findByPageId(source.id, id))!;
    out[id] = (await store.history.listVersions(record.id)).map((v) => ({
      hash: v.hash,
      fields: v.fields,
    }));
  }
  return out;
}

describe.each(storeFactories().filter((f) => f.persistent))(
  'a pull killed with SIGKILL on $name',
  (factory) => {
    it('resumes to the state of an uninterrupted pull, without duplicate versions', async () => {
      const emu: Emulator = await createEmulator({ latencyMs: 5 });
      const dsId = await createDataSource(emu.client(), emu.rootPageId, {
        Name: { title: {} },
        N: { number: {} },
      });
      emu.control.bulkCreatePages(
        dsId,
        Array.from({ length: 3000 }, (_, i) => ({
          Name: { title: [{ text: { content: `r${i}` } }] },
          N: { number: i },
        })),
      );
      const server = await emu.listen({ port: 0 });
      try {
        const source = { name: 'crashy', dataSource: dsId };
        const killed = await createPullHarness(factory, emu, [source], systemClock);
        const batches = await pullAndKill(
          {
            storeUrl: killed.testStore.url,
            ...(killed.testStore.schema ? { storeSchema: killed.testStore.schema } : {}),
            baseUrl: server.baseUrl,
            token: emu.token,
            dataSourceId: dsId,
          },
          8,
        );
        expect(batches).toBeLessThan(30);
        const sourceId = (await killed.store.sources.getByName('crashy'))!.id;
        const partial = await killed.store.records.count(sourceId);
        expect(partial.live).toBeGreaterThan(0);
        expect(partial.live).toBeLessThan(3000);

        // The dead run holds the lease until its heartbeat is stale; this engine may take it over.
        const resumed = await killed.engineWith({ staleRunAfterMs: 1 }).pull(['crashy']);
        expect(resumed.sources[0]).toMatchObject({ status: 'ok' });
        const runs = await killed.engine.runs({ source: 'crashy' });
        expect(runs.map((r) => r.status).sort()).toEqual(['abandoned', 'ok']);

        const reference = await createPullHarness(factory, emu, [source], systemClock);
        expect((await reference.engine.pull(['crashy'])).ok).toBe(true);
        const [after, expected] = [
          await snapshot(killed.store, 'crashy'),
          await snapshot(reference.store, 'crashy'),
        ];
        expect(Object.keys(after)).toHaveLength(3000);
        expect(after).toEqual(expected);
        expect(Object.values(after).every((versions) => versions.length === 1)).toBe(true);
      } finally {
        await server.close();
      }
    }, 120_000);
  },
);
