// What a pull's process loads: the CLI and the engine's pull path keep the server, the MCP
// server, the emulator, the PostgreSQL driver and the pretty printer out of memory until a
// command that needs them runs (each costs resident memory for the whole run; issue 18).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

/** Every module URL a fresh Node process resolves while importing `entries`. */
function modulesLoadedBy(entries: string[]): string[] {
  const script = `
    import { registerHooks } from 'node:module';
    const loaded = [];
    registerHooks({ resolve(specifier, context, next) {
      const result = next(specifier, context);
      loaded.push(result.url);
      return result;
    } });
    for (const entry of ${JSON.stringify(entries.map((e) => new URL(e, root).href))}) await import(entry);
    process.stdout.write(JSON.stringify(loaded));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as string[];
}

const HEAVY = [
  '/node_modules/pg/',
  '/node_modules/pg-boss/',
  '/node_modules/pino-pretty/',
  '/node_modules/hono/',
  '/node_modules/@modelcontextprotocol/',
  '/node_modules/prom-client/',
  '/src/emulator/',
  '/src/mcp/',
  '/src/server/app.ts',
];

describe('modules loaded for a pull', () => {
  it('the CLI and the engine surface load no server, MCP, emulator, pg or pino-pretty', () => {
    const loaded = modulesLoadedBy([
      'src/cli/main.ts',
      'src/notion/index.ts',
      'src/store/index.ts',
      'src/sync/index.ts',
    ]);
    expect(loaded.some((url) => url.includes('/src/sync/pull/pull.ts'))).toBe(true);
    expect(loaded.filter((url) => HEAVY.some((part) => url.includes(part)))).toEqual([]);
  });
});
