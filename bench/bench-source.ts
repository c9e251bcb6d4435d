// The data source every pull bench reads — N rows with four properties, `perMinute` rows per
// created_time minute (the way real data spreads them; the 10,000-row windows split by minute).
// The engine that pulls it is in bench-pull.ts (the engine child loads nothing of the emulator).
import type { Emulator } from '../src/emulator/index.ts';
import { createDataSource } from '../src/emulator/test-support.ts';

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
