#!/usr/bin/env node
// In a checkout the TypeScript sources run directly (Node strips types: 22.18+ or 23.6+); a
// published package ships only dist/. A checkout on an older Node runs dist/ when it was built
// (`npm run build`), and otherwise says which Node it needs.
import { existsSync } from 'node:fs';
import { capYoungGeneration } from './young-generation.js';

const source = new URL('../src/cli/main.ts', import.meta.url);
const built = new URL('../dist/cli/main.js', import.meta.url);
const canStrip = Boolean(process.features.typescript);
if (!existsSync(built) && !(canStrip && existsSync(source))) {
  process.stderr.write(
    `notion-sync: running from a checkout needs Node 22.18+ or 24 (it runs the TypeScript ` +
      `sources directly); this is Node ${process.versions.node}. Install Node 24, or run ` +
      '`npm run build` first.\n',
  );
  process.exit(1);
}
const entry = canStrip && existsSync(source) ? source : built;
const { runCli } = await import(entry.href);
// After loading: V8 has sized the young generation for the CLI's own code by now.
capYoungGeneration();
process.exitCode = await runCli(process.argv.slice(2));
