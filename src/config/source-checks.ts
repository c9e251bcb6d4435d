// Problems that span several entries of `sources` — duplicate names, two properties mapped onto
// one view column — checked on the raw file data, so they are reported together with every
// other problem instead of only once the rest of the file is valid.
import { sanitizeIdentifier } from '../shared/index.ts';
import { checkDeclaredRelations } from './declared-schema.ts';

export interface SourceProblem {
  path: (string | number)[];
  message: string;
}

/** Every cross-entry problem of the raw `sources` value of a config file. */
export function checkSources(raw: unknown): SourceProblem[] {
  if (!Array.isArray(raw)) return [];
  const problems: SourceProblem[] = [];
  const seen = new Map<string, number>();
  raw.forEach((source: unknown, index) => {
    if (source === null || typeof source !== 'object') return;
    const { name, properties } = source as { name?: unknown; properties?: unknown };
    if (typeof name === 'string') {
      const first = seen.get(name.toLowerCase());
      if (first !== undefined) {
        problems.push({
          path: ['sources', index, 'name'],
          message: `duplicates the name of sources[${first}]: source names must be unique`,
        });
      } else seen.set(name.toLowerCase(), index);
    }
    problems.push(...columnClashes(properties, index));
  });
  problems.push(...checkDeclaredRelations(raw));
  return problems;
}

/**
 * Duplicate names in `connections`, and the reserved names: `default` (the NOTION_TOKEN one),
 * `oauth` (the public integration's webhook URL) and `oauth-…` (OAuth installations).
 */
export function checkConnections(raw: unknown): SourceProblem[] {
  if (!Array.isArray(raw)) return [];
  const problems: SourceProblem[] = [];
  const seen = new Map<string, number>();
  raw.forEach((connection: unknown, index) => {
    const name = (connection as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return;
    const first = seen.get(name);
    if (name === 'default') {
      problems.push({
        path: ['connections', index, 'name'],
        message: '"default" is the NOTION_TOKEN connection: give this one another name',
      });
    } else if (name === 'oauth' || name.startsWith('oauth-')) {
      problems.push({
        path: ['connections', index, 'name'],
        message:
          '"oauth" and names starting "oauth-" are reserved for OAuth installations: give this one another name',
      });
    } else if (first !== undefined) {
      problems.push({
        path: ['connections', index, 'name'],
        message: `duplicates the name of connections[${first}]: connection names must be unique`,
      });
    } else seen.set(name, index);
  });
  return problems;
}

/** Two kept properties whose view columns would get the same name. */
function columnClashes(properties: unknown, index: number): SourceProblem[] {
  const entries: [string, string][] = Array.isArray(properties)
    ? properties.filter((p): p is string => typeof p === 'string').map((p) => [p, p])
    : properties !== null && typeof properties === 'object'
      ? Object.entries(properties).filter((e): e is [string, string] => typeof e[1] === 'string')
      : [];
  const byColumn = new Map<string, string>();
  const problems: SourceProblem[] = [];
  for (const [property, column] of entries) {
    const sql = sanitizeIdentifier(column, 'property');
    const other = byColumn.get(sql);
    if (other === undefined) {
      byColumn.set(sql, property);
      continue;
    }
    problems.push({
      path: ['sources', index, 'properties', property],
      message: `"${property}" and "${other}" both map to the view column "${sql}": give each property its own column name`,
    });
  }
  return problems;
}
