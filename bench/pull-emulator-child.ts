// A child process of `npm run bench:pull`: an emulator (rate limiting off) holding one data
// source of N rows (four properties, `--per-minute` rows per created_time minute), served on a
// local port so the process that pulls it holds nothing of the emulator. Prints one JSON line
// { baseUrl, token, dataSourceId } and serves until stdin closes.
import { parseArgs } from 'node:util';
import { createEmulator } from '../src/emulator/index.ts';
import { createDataSource } from '../src/emulator/test-support.ts';

const { values } = parseArgs({
  options: { rows: { type: 'string' }, 'per-minute': { type: 'string', default: '100' } },
});
const rows = Number(values.rows);
const perMinute = Number(values['per-minute']);

const emu = await createEmulator();
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
const server = await emu.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(
  `${JSON.stringify({ baseUrl: server.baseUrl, token: emu.token, dataSourceId })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
