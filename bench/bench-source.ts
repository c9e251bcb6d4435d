// The data source every pull bench reads — N rows with four properties, `perMinute` rows per
// created_time minute (the way real data spreads them; the 10,000-row windows split by minute)
// — and the engine that pulls it.
import type { Emulator } from '../src/emulator/index.ts';
import { createDataSource } from '../src/emulator/test-support.ts';
import type { NotionClient } from '../src/notion/index.ts';
import type { Store } from '../src/store/index.ts';
import { createEngine } from '../src/sync/index.ts';

/** Seeds the bench data source in `emu`; returns its id. */
export async function createBenchSource(
  emu: Emulator,
  rows: number,
  perMinute: number,
): Promise<string> {
  const dataSourceId = await createDataSource(emu.client(), emu.rootPageId, {
    Name: { title: {} },
    Status: { select: { options: [{ name: 'Todo' }, { name: 'Done' }] } },
    Estimate: { number: {} },
    Tags: { multi_select: { options: [{ name: 'a' }, { name: 'b' }] } },
  });
  for (let start = 0; start < rows; start += perMinute) {
    const size = Math.min(perMinute, rows - start);
    emu.control.bulkCreatePages(
      dataSourceId,
      Array.from({ length: size }, (_, i) => ({
        Name: { title: [{ text: { content: `Row ${start + i}` } }] },
        Status: { select: { name: (start + i) % 3 === 0 ? 'Done' : 'Todo' } },
        Estimate: { number: (start + i) % 13 },
        Tags: { multi_select: [{ name: 'a' }] },
      })),
    );
    emu.control.clock.advance(60_000);
  }
  emu.control.clock.advance(10 * 60_000);
  emu.control.clearRequestLog();
  return dataSourceId;
}

/**
 * One full pull of the bench source (by `engineOf`: the sources' engine, or the built package's);
 * returns its result and the wall time in seconds.
 */
export async function pullBenchSource(
  store: Store,
  notion: NotionClient,
  dataSourceId: string,
  engineOf: typeof createEngine = createEngine,
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
