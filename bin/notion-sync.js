#!/usr/bin/env node
// In a checkout the TypeScript sources run directly (Node strips types); a published
// package ships only dist/.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
const built = new URL('../dist/cli/main.js', import.meta.url);
const { runCli } = await import(existsSync(source) ? source.href : built.href);
process.exitCode = await runCli(process.argv.slice(2));
