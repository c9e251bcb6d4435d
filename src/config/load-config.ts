import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { type Document, isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { NotionSyncError } from '../errors.ts';
import { findClosest } from '../shared/closest.ts';
import { type Config, listOptions, type OptionEntry } from './declaration.ts';
import { fileSchema } from './schema.ts';
import { checkConnections, checkSources } from './source-checks.ts';

export const CONFIG_FILE_NAMES = [
  'notion-sync.config.yaml',
  'notion-sync.config.yml',
  'notion-sync.config.json',
];

/** One problem with the configuration, located as precisely as we can. */
export interface ConfigProblem {
  /** Key path (`sources[2].database`), env var name or flag. */
  path: string;
  message: string;
  origin: 'file' | 'env' | 'flag';
  line?: number;
  column?: number;
}

export interface LoadConfigOptions {
  cwd: string;
  /** `--config`: an explicit file, which must exist. */
  configPath?: string | undefined;
  env?: Record<string, string | undefined>;
  /** Values of the global option flags, keyed by option key (`notion.baseUrl`). */
  flags?: Record<string, string | undefined>;
}

export interface LoadConfigResult {
  /** Present when there are no errors. */
  config: Config | undefined;
  file: string | undefined;
  errors: ConfigProblem[];
  warnings: string[];
}

interface ParsedFile {
  data: unknown;
  locate: (path: (string | number)[]) => { line: number; column: number } | undefined;
}

/** Finds the config file: `--config`, else the first of CONFIG_FILE_NAMES in `cwd`. */
export function findConfigFile(cwd: string, configPath?: string): string | undefined {
  if (configPath) {
    const file = isAbsolute(configPath) ? configPath : resolve(cwd, configPath);
    if (!existsSync(file)) {
      throw new NotionSyncError('config_not_found', `config file ${file} does not exist`, {
        details: { file },
      });
    }
    return file;
  }
  return CONFIG_FILE_NAMES.map((name) => resolve(cwd, name)).find((f) => existsSync(f));
}

function parseFile(file: string): ParsedFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new NotionSyncError('config_unreadable', `cannot read config file ${file}`, {
      details: { file },
      cause: error,
    });
  }
  if (file.endsWith('.json')) assertJson(file, text);
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    const what = (first.message.split('\n')[0] ?? first.message).replace(
      / at line \d+, column \d+:?$/,
      '',
    );
    throw new NotionSyncError('config_unreadable', `${where}: malformed YAML — ${what}`, {
      details: { file, line: pos?.line, column: pos?.col },
    });
  }
  const locate = (path: (string | number)[]) => {
    // Point at the deepest node that exists along the path.
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true) as
        | { range?: [number, number] }
        | undefined;
      const holder = depth > 0 ? doc.getIn(path.slice(0, depth - 1), true) : doc.contents;
      const offset =
        node?.range?.[0] ?? (isMap(holder) || isSeq(holder) ? holder.range?.[0] : undefined);
      if (offset !== undefined) {
        const { line, col } = lineCounter.linePos(offset);
        return { line, column: col };
      }
    }
    return undefined;
  };
  return { data: toData(doc, file), locate };
}

/** The document's value; an alias bomb (aliases expanding without bound) is a config error. */
function toData(doc: Document, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new NotionSyncError(
      'config_unreadable',
      `${file}: the YAML could not be expanded — ${message}. Use fewer aliases (*name) or write the values out.`,
      { details: { file }, cause: error },
    );
  }
}

function assertJson(file: string, text: string): void {
  try {
    JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : firstInvalidOffset(text);
    let where = file;
    let line: number | undefined;
    let column: number | undefined;
    if (offset !== undefined) {
      const before = text.slice(0, offset).split('\n');
      line = before.length;
      column = (before.at(-1)?.length ?? 0) + 1;
      where = `${file}:${line}:${column}`;
    }
    const what = message
      .replace(/, ".*" is not valid JSON$/s, '')
      .replace(/ in JSON at position \d+.*$/s, '');
    throw new NotionSyncError('config_unreadable', `${where}: malformed JSON — ${what}`, {
      details: { file, line, column },
    });
  }
}

/** Where JSON stops being a valid prefix: V8 does not always say. */
function firstInvalidOffset(text: string): number {
  const isValidPrefix = (length: number) => {
    try {
      JSON.parse(text.slice(0, length));
      return true;
    } catch (error) {
      return /end of JSON input|Unterminated|Expected .* after|Expected property name or '}'/.test(
        String((error as Error).message),
      );
    }
  };
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (isValidPrefix(mid)) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** `sources[2].database` from zod's path. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

/** Keys the schema allows at `path`, walked from the schema itself (for "did you mean"). */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let node: z.ZodType | undefined = fileSchema;
  for (const part of path) {
    node = unwrap(node);
    if (node instanceof z.ZodObject) node = node.shape[String(part)] as z.ZodType | undefined;
    else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
    else return [];
  }
  node = unwrap(node);
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let node = schema;
  while (node instanceof z.ZodOptional || node instanceof z.ZodDefault) {
    node = node.unwrap() as z.ZodType;
  }
  return node;
}

function describeIssue(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string }[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const suggestion = findClosest(key, knownKeysAt(issue.path));
      return {
        path: [...issue.path, key],
        message: suggestion
          ? `unknown key — did you mean '${suggestion}'?`
          : `unknown key — remove it (see \`notion-sync config schema\`)`,
      };
    });
  }
  return [{ path: issue.path, message: issue.message }];
}

function setIn(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[path.at(-1) as string] = value;
}

function getIn(source: unknown, path: string[]): unknown {
  let node = source;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function coerce(entry: OptionEntry, raw: string): unknown {
  const inner = entry.spec.schema;
  if (inner instanceof z.ZodNumber) return raw.trim() === '' ? Number.NaN : Number(raw);
  return raw;
}

function validateOverride(
  entry: OptionEntry,
  raw: string,
  origin: 'env' | 'flag',
  problems: ConfigProblem[],
): unknown {
  const result = entry.spec.schema.safeParse(coerce(entry, raw));
  if (result.success) return result.data;
  const name = origin === 'env' ? (entry.spec.env as string) : (entry.flag as string);
  for (const issue of result.error.issues) {
    problems.push({ path: name, message: `${issue.message} (for ${entry.key})`, origin });
  }
  return undefined;
}

/**
 * Loads and validates the configuration, reporting every problem at once rather than the first.
 * Throws only when the file cannot be read or parsed (`config_not_found`, `config_unreadable`).
 */
export function loadConfig(options: LoadConfigOptions): LoadConfigResult {
  const env = options.env ?? {};
  const flags = options.flags ?? {};
  const file = findConfigFile(options.cwd, options.configPath);
  const errors: ConfigProblem[] = [];
  const warnings: string[] = [];
  let fileData: unknown = {};
  if (file) {
    const parsed = parseFile(file);
    fileData = parsed.data;
    if (fileData === null || typeof fileData !== 'object' || Array.isArray(fileData)) {
      errors.push({ path: '(top level)', message: 'must be a mapping of keys', origin: 'file' });
      fileData = {};
    } else {
      const result = fileSchema.safeParse(fileData);
      if (!result.success) {
        for (const issue of result.error.issues) {
          for (const { path, message } of describeIssue(issue)) {
            const at = parsed.locate(path as (string | number)[]);
            const problem: ConfigProblem = { path: formatKeyPath(path), message, origin: 'file' };
            if (at) Object.assign(problem, at);
            errors.push(problem);
          }
        }
      }
      const raw = fileData as { sources?: unknown; connections?: unknown };
      for (const { path, message } of [
        ...checkSources(raw.sources),
        ...checkConnections(raw.connections),
      ]) {
        const problem: ConfigProblem = { path: formatKeyPath(path), message, origin: 'file' };
        Object.assign(problem, parsed.locate(path) ?? {});
        errors.push(problem);
      }
    }
  }

  const effective: Record<string, unknown> = {};
  for (const entry of listOptions()) {
    let value: unknown = entry.spec.default;
    const fromFile = entry.spec.secret ? undefined : getIn(fileData, entry.path);
    if (fromFile !== undefined) value = fromFile;
    const fromEnv = entry.spec.env ? env[entry.spec.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') {
      value = validateOverride(entry, fromEnv, 'env', errors) ?? value;
    }
    const fromFlag = flags[entry.key];
    if (fromFlag !== undefined) value = validateOverride(entry, fromFlag, 'flag', errors) ?? value;
    if (value !== undefined) setIn(effective, entry.path, value);
  }
  const runnerProblem = checkRunnerStore(effective);
  if (runnerProblem) errors.push(runnerProblem);
  if (getIn(effective, ['notion', 'token']) === undefined) {
    warnings.push(
      'NOTION_TOKEN is not set: pull, push and sync need it (create an internal integration at ' +
        'https://www.notion.so/profile/integrations and export its secret as NOTION_TOKEN).',
    );
  }
  if (errors.length > 0) return { config: undefined, file, errors, warnings };
  return { config: effective as unknown as Config, file, errors, warnings };
}

/** Formats problems one per line: `file:line:col path: message`. */
export function formatProblems(problems: ConfigProblem[], file?: string): string {
  return problems
    .map((p) => {
      const where =
        p.origin === 'file' && file && p.line !== undefined ? `${file}:${p.line}:${p.column} ` : '';
      return `  ✗ ${where}${p.path}: ${p.message}`;
    })
    .join('\n');
}

/** Like loadConfig, but throws `config_invalid` listing every problem. */
export function readConfig(options: LoadConfigOptions): {
  config: Config;
  file: string | undefined;
} {
  const result = loadConfig(options);
  if (!result.config) {
    const count = result.errors.length;
    throw new NotionSyncError(
      'config_invalid',
      `${count} problem${count === 1 ? '' : 's'} in the configuration${result.file ? ` (${result.file})` : ''}:\n${formatProblems(result.errors, result.file)}`,
      { details: { file: result.file, problems: result.errors } },
    );
  }
  return { config: result.config, file: result.file };
}

/** `runner: distributed` needs a PostgreSQL store: its queue and leader election live there. */
function checkRunnerStore(effective: Record<string, unknown>): ConfigProblem | null {
  if (getIn(effective, ['runner']) !== 'distributed') return null;
  if (/^postgres(ql)?:\/\//i.test(String(getIn(effective, ['store']) ?? '').trim())) return null;
  return {
    path: 'runner',
    message:
      'distributed needs a PostgreSQL store: SQLite is single-process — set `store` to a postgres:// URL, or use `runner: local`',
    origin: 'file',
  };
}
