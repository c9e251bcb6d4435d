// A child process of `npm run bench:pull`: an emulator (rate limiting off) holding one data
// source of N rows (four properties, `--per-minute` rows per created_time minute), served on a
// local port so the process that pulls it holds nothing of the emulator. Prints one JSON line
// { baseUrl, token, dataSourceId } and serves until stdin closes.
import { parseArgs } from 'node:util';
import { createEmulator } from '../src/emulator/index.ts';
import { createBenchSource } from './bench-source.ts';

const { values } = parseArgs({
  options: { rows: { type: 'string' }, 'per-minute': { type: 'string', default: '100' } },
});
const rows = Number(values.rows);
const perMinute = Number(values['per-minute']);

const emu = await createEmulator();
const dataSourceId = await createBenchSource(emu, rows, perMinute);
const server = await emu.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(
  `${JSON.stringify({ baseUrl: server.baseUrl, token: emu.token, dataSourceId })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
