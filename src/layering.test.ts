// Invariant: imports under src/ follow DESIGN.md §3; the emulator imports no engine code.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLayeringViolations } from './layering.ts';

const SRC = new URL('.', import.meta.url).pathname;

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'layering-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('layering', () => {
  it('holds for every file under src/', () => {
    const violations = findLayeringViolations(SRC).map(
      (v) => `${v.file}:${v.line} ${v.from} → ${v.to} (${v.specifier})`,
    );
    expect(violations).toEqual([]);
  });

  it('catches the emulator importing the engine', () => {
    const root = tree({
      'emulator/app.ts': "import { pull } from '../sync/pull.ts';\nexport const x = pull;\n",
      'sync/pull.ts': 'export const pull = 1;\n',
    });
    expect(findLayeringViolations(root)).toMatchObject([
      { from: 'emulator', to: 'sync', line: 1, specifier: '../sync/pull.ts' },
    ]);
  });

  it('catches a lower layer importing an entry point, type-only and dynamic imports included', () => {
    const root = tree({
      'store/a.ts': "import type { X } from '../cli/main.ts';\n",
      'notion/b.ts': "const m = await import('../server/app.ts');\n",
      'sync/c.ts': "export { y } from '../runner/index.ts';\n",
      'cli/main.ts': "import { s } from '../sync/c.ts';\n",
    });
    const found = findLayeringViolations(root).map((v) => `${v.from}→${v.to}`);
    expect(found.sort()).toEqual(['notion→server', 'store→cli', 'sync→runner']);
  });

  it('lets tests, and only tests, use the emulator as their oracle', () => {
    const root = tree({
      'notion/client.test.ts': "import { createEmulator } from '../emulator/index.ts';\n",
      'notion/client.ts': "import { createEmulator } from '../emulator/index.ts';\n",
      'emulator/index.ts': 'export const createEmulator = 1;\n',
    });
    expect(findLayeringViolations(root).map((v) => v.file.split('/').at(-1))).toEqual([
      'client.ts',
    ]);
  });
});
