import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { createEmulator } from '../../emulator/index.ts';
import { NotionSyncError } from '../../errors.ts';
import type { CliContext } from '../context.ts';

interface EmulatorFlags {
  port: string;
  host: string;
  seed: string;
  state?: string;
  rateLimit: string;
  burst: string;
  latencyMs: string;
}

function numberFlag(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) {
    throw new NotionSyncError('usage', `${flag} must be a number ≥ ${min}, got "${value}"`);
  }
  return n;
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const done = (signal: string) => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve(signal);
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

async function runEmulator(ctx: CliContext, flags: EmulatorFlags): Promise<void> {
  if (flags.seed !== 'empty' && flags.seed !== 'demo') {
    throw new NotionSyncError('usage', `--seed must be "empty" or "demo", got "${flags.seed}"`);
  }
  const port = numberFlag(flags.port, '--port', 0);
  const rps = numberFlag(flags.rateLimit, '--rate-limit', 0);
  const burst = numberFlag(flags.burst, '--burst', 1);
  const latencyMs = numberFlag(flags.latencyMs, '--latency-ms', 0);
  const fromState = flags.state !== undefined && existsSync(flags.state);
  const emulator = await createEmulator({
    seed: fromState ? 'empty' : flags.seed,
    rateLimit: rps > 0 ? { requestsPerSecond: rps, burst } : false,
    latencyMs,
  });
  if (fromState && flags.state) await emulator.control.loadState(flags.state);
  const server = await emulator.listen({ port, host: flags.host });
  const info = {
    baseUrl: server.baseUrl,
    token: emulator.token,
    workspaceId: emulator.workspaceId,
    rootPageId: emulator.rootPageId,
  };
  if (ctx.json) ctx.io.stdout.write(`${JSON.stringify(info)}\n`);
  else {
    ctx.out(`Notion API emulator listening on ${info.baseUrl}`);
    ctx.out(`  token         ${info.token}`);
    ctx.out(`  workspace id  ${info.workspaceId}`);
    ctx.out(`  root page id  ${info.rootPageId}`);
    ctx.out(`  rate limit    ${rps > 0 ? `${rps} req/s, burst ${burst}` : 'off'}`);
    ctx.out(
      `Use it with: new Client({ auth: token, baseUrl: '${info.baseUrl}' }). Ctrl-C stops it.`,
    );
  }
  const signal = await waitForSignal();
  if (flags.state) await emulator.control.saveState(flags.state);
  await server.close();
  if (!ctx.json)
    ctx.err(`stopped on ${signal}${flags.state ? `; state saved to ${flags.state}` : ''}`);
}

export function registerEmulatorCommand(program: Command, context: () => CliContext): void {
  program
    .command('emulator')
    .description('run the Notion API emulator on a local port (tests, demos)')
    .option('--port <port>', 'TCP port (0 picks a free one)', '4010')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--seed <seed>', 'initial workspace: empty or demo', 'empty')
    .option('--state <file>', 'load the workspace from FILE if it exists; save it there on exit')
    .option(
      '--rate-limit <rps>',
      'average requests per second per integration (0 turns it off)',
      '3',
    )
    .option('--burst <n>', 'requests an idle integration may send at once', '10')
    .option('--latency-ms <ms>', 'latency added to every request', '0')
    .action((flags: EmulatorFlags) => runEmulator(context(), flags));
}
