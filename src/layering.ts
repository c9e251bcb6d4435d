import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The import rule of DESIGN.md §3: `cli, server, mcp, runner` → `sync` → `notion, store,
 * targets` → `config, shared, errors`, and the emulator (the oracle) imports no engine code.
 * Keys are the top-level units of `src/`; values are the units each may import besides itself.
 */
export const ALLOWED_IMPORTS: Record<string, readonly string[]> = {
  errors: [],
  shared: ['errors'],
  config: ['errors', 'shared'],
  notion: ['errors', 'shared', 'config'],
  store: ['errors', 'shared', 'config'],
  targets: ['errors', 'shared', 'config', 'notion', 'store'],
  sync: ['errors', 'shared', 'config', 'notion', 'store', 'targets'],
  runner: ['errors', 'shared', 'config', 'notion', 'store', 'targets', 'sync'],
  server: ['errors', 'shared', 'config', 'notion', 'store', 'targets', 'sync', 'runner', 'mcp'],
  mcp: ['errors', 'shared', 'config', 'notion', 'store', 'targets', 'sync', 'runner'],
  emulator: ['shared'],
  cli: [
    'errors',
    'shared',
    'config',
    'notion',
    'store',
    'targets',
    'sync',
    'runner',
    'server',
    'mcp',
    'emulator',
  ],
  index: [
    'errors',
    'shared',
    'config',
    'notion',
    'store',
    'targets',
    'sync',
    'runner',
    'server',
    'mcp',
  ],
  // The library's other entry points: `notion-sync/server` and `notion-sync/mcp`.
  'index-server': ['errors', 'shared', 'config', 'notion', 'store', 'sync', 'runner', 'server'],
  'index-mcp': ['errors', 'shared', 'config', 'notion', 'store', 'sync', 'runner', 'mcp'],
  layering: [],
};

export interface ImportEdge {
  file: string;
  line: number;
  specifier: string;
  from: string;
  to: string;
}

const IMPORT_PATTERN =
  /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The unit a path under `src/` belongs to: its top folder, or the file's name at the top. */
export function unitOf(srcRoot: string, file: string): string {
  const rel = relative(srcRoot, file);
  const [first, ...rest] = rel.split(sep);
  if (!first) return '';
  return rest.length > 0 ? first : first.replace(/\.(test\.)?ts$/, '');
}

/** Relative imports of one file, with the unit each points into. */
export function readImports(srcRoot: string, file: string, text: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const match of text.matchAll(IMPORT_PATTERN)) {
    const specifier = match[1] ?? match[2];
    if (!specifier?.startsWith('.')) continue;
    const target = resolve(dirname(file), specifier);
    if (!target.startsWith(srcRoot + sep)) continue;
    const line =
      text.slice(0, match.index).split('\n').length + (match[0].startsWith('\n') ? 1 : 0);
    edges.push({ file, line, specifier, from: unitOf(srcRoot, file), to: unitOf(srcRoot, target) });
  }
  return edges;
}

function listSourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return listSourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function isTestFile(file: string): boolean {
  return /\.test\.ts$/.test(file);
}

/** Every import under `srcRoot` that breaks ALLOWED_IMPORTS (tests may also use the emulator). */
export function findLayeringViolations(srcRoot: string): ImportEdge[] {
  const root = resolve(srcRoot);
  return listSourceFiles(root).flatMap((file) =>
    readImports(root, file, readFileSync(file, 'utf8')).filter((edge) => {
      if (edge.from === edge.to) return false;
      // Tests use the emulator as the oracle they are checked against (DESIGN.md §7).
      if (edge.to === 'emulator' && edge.from !== 'emulator' && isTestFile(file)) return false;
      const allowed = ALLOWED_IMPORTS[edge.from];
      return !allowed?.includes(edge.to);
    }),
  );
}
