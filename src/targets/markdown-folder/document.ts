// A Markdown file of a folder target: YAML frontmatter between `---` lines, then the page body.
// Canonical form: what `renderDocument` writes, `parseDocument` reads back to the same values
// and body, so a file nobody edited compares equal byte for byte on the next export.
import { isMap, LineCounter, parseDocument as parseYaml, stringify } from 'yaml';
import { NotionSyncError } from '../../errors.ts';
import type { JsonValue } from '../../store/index.ts';

export interface MarkdownDocument {
  /** Frontmatter keys in file order. */
  data: Record<string, JsonValue>;
  body: string;
}

const FENCE = '---';

/** A body as a file holds it: a non-empty body ends with one newline. */
export function canonicalBody(body: string): string {
  return body.length > 0 && !body.endsWith('\n') ? `${body}\n` : body;
}

export function renderDocument(doc: MarkdownDocument): string {
  const yaml = stringify(doc.data, { lineWidth: 0, defaultStringType: 'PLAIN' });
  const body = canonicalBody(doc.body);
  return `${FENCE}\n${yaml}${FENCE}\n${body.length > 0 ? `\n${body}` : ''}`;
}

/** Null for a file we do not manage (no frontmatter). Broken YAML → `file_invalid` with a line. */
export function parseDocument(text: string, path: string): MarkdownDocument | null {
  const normalized = text.replace(/\r\n/g, '\n');
  if (!normalized.startsWith(`${FENCE}\n`)) return null;
  const end = normalized.indexOf(`\n${FENCE}\n`, FENCE.length);
  const close = end >= 0 ? end : normalized.endsWith(`\n${FENCE}`) ? normalized.length - 4 : -1;
  if (close < 0) throw fileError(path, 1, 'its frontmatter has no closing `---` line');
  const lines = new LineCounter();
  const yaml = parseYaml(normalized.slice(FENCE.length + 1, close + 1), { lineCounter: lines });
  const problem = yaml.errors[0];
  if (problem) {
    const line = lines.linePos(problem.pos[0]).line + 1;
    throw fileError(path, line, `its frontmatter is not valid YAML (${problem.code})`);
  }
  if (yaml.contents !== null && !isMap(yaml.contents))
    throw fileError(path, 2, 'its frontmatter is not a map of `name: value` lines');
  const data = (yaml.toJS() ?? {}) as Record<string, JsonValue>;
  let body = normalized.slice(Math.min(close + FENCE.length + 2, normalized.length));
  if (body.startsWith('\n')) body = body.slice(1);
  return { data, body };
}

export function fileError(path: string, line: number, message: string): NotionSyncError {
  return new NotionSyncError(
    'file_invalid',
    `${path}:${line}: ${message} — fix the file and run again; it is skipped until then.`,
    { details: { path, line } },
  );
}
