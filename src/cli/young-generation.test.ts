// Invariant: the launcher (bin/young-generation.js) shrinks the heap once and stops V8's young
// generation growing at 16 MiB, unless the user sized it with a semi-space flag; a process that
// allocates steadily (a long pull) otherwise doubles it up to 128 MiB.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('../../bin/young-generation.js', import.meta.url));

// Churns through short-lived rows while keeping a window of them alive (what a pull does), and
// yields to the timers between small batches as a pull does between responses: the launcher's
// check runs on a timer, so a process that never yields would outgrow it before it looks.
const CHURN = `
import v8 from 'node:v8';
const { capYoungGeneration } = await import(${JSON.stringify(MODULE)});
const armed = process.env.ARM === '1' ? capYoungGeneration(0) : false;
let window = [];
for (let round = 0; round < 300; round++) {
  for (let i = 0; i < 10_000; i++) {
    window.push({ i, s: 'row ' + i, a: [i, i + 1] });
    if (window.length > 40_000) window = window.slice(20_000);
  }
  await new Promise((resolve) => setTimeout(resolve, 1));
}
const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
console.log(JSON.stringify({ armed, newSpaceMiB: space.space_size / 2 ** 20 }));
`;

async function churn(env: Record<string, string>, flags: string[] = []) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...flags, '--input-type=module', '-e', CHURN],
    { env: { ...process.env, NODE_OPTIONS: '', ...env } },
  );
  return JSON.parse(stdout) as { armed: boolean; newSpaceMiB: number };
}

describe('capYoungGeneration', () => {
  it('keeps the young generation small where an uncapped process grows it', async () => {
    const uncapped = await churn({ ARM: '0' });
    const capped = await churn({ ARM: '1' });
    expect(capped.armed).toBe(true);
    expect(capped.newSpaceMiB).toBeLessThanOrEqual(16);
    expect(uncapped.newSpaceMiB).toBeGreaterThan(capped.newSpaceMiB);
  });

  it("leaves a user's own sizing alone (command line or NODE_OPTIONS)", async () => {
    const flag = await churn({ ARM: '1' }, ['--max-semi-space-size=64']);
    expect(flag.armed).toBe(false);
    expect(flag.newSpaceMiB).toBeGreaterThan(32);
    const env = await churn({ ARM: '1', NODE_OPTIONS: '--max-semi-space-size=64' });
    expect(env.armed).toBe(false);
    expect(env.newSpaceMiB).toBeGreaterThan(32);
  });
});
