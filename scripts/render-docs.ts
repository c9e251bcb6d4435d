// Regenerates the generated parts of README.md from the code: `npm run docs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderConfigReference } from '../src/config/schema.ts';

const file = new URL('../README.md', import.meta.url);
const readme = readFileSync(file, 'utf8');
const next = readme.replace(
  /<!-- config-reference:start -->\n(?:[\s\S]*?\n)?<!-- config-reference:end -->/,
  `<!-- config-reference:start -->\n${renderConfigReference()}\n<!-- config-reference:end -->`,
);
writeFileSync(file, next);
console.log(next === readme ? 'README.md is up to date' : 'README.md updated');
