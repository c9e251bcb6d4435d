// Tables in enhanced markdown: the reference's `<table>` / `<tr>` / `<td>` form, and GitHub
// pipe tables (which the reference's own complete example uses).

import type { BlockRequest, RichTextItem } from './markdown.ts';
import type { LineCursor } from './markdown-parse.ts';
import { parseAttributes } from './markdown-syntax.ts';
import { parseRichTextMarkdown } from './rich-text-parse.ts';

function tableBlock(
  rows: RichTextItem[][][],
  hasColumnHeader: boolean,
  hasRowHeader: boolean,
): BlockRequest {
  const width = Math.max(1, ...rows.map((row) => row.length));
  const children = rows.map((row) => ({
    type: 'table_row',
    table_row: { cells: Array.from({ length: width }, (_, i) => row[i] ?? []) },
  }));
  return {
    type: 'table',
    table: {
      table_width: width,
      has_column_header: hasColumnHeader,
      has_row_header: hasRowHeader,
      children,
    },
  };
}

/** Index of `needle` in `source` from `from`, skipping backslash-escaped characters. */
function indexOfUnescaped(source: string, needle: string, from: number): number {
  for (let i = from; i < source.length; i += 1) {
    if (source[i] === '\\') i += 1;
    else if (source.startsWith(needle, i)) return i;
  }
  return -1;
}

/** Parses `<table …>` up to `</table>` (cells: `<td>rich text</td>` inside `<tr>`). */
export function parseTableHtml(cursor: LineCursor): BlockRequest {
  const first = (cursor.lines[cursor.index] ?? '').trim();
  const parts: string[] = [];
  while (cursor.index < cursor.lines.length) {
    const line = (cursor.lines[cursor.index] ?? '').trim();
    cursor.index += 1;
    parts.push(line);
    if (line.endsWith('</table>')) break;
  }
  const source = parts.join('');
  const attributes = parseAttributes(/^<table([^>]*)>/.exec(first)?.[1] ?? '');
  const rows: RichTextItem[][][] = [];
  let at = indexOfUnescaped(source, '<tr', 0);
  while (at >= 0) {
    const rowEnd = indexOfUnescaped(source, '</tr>', at);
    const row = source.slice(source.indexOf('>', at) + 1, rowEnd < 0 ? source.length : rowEnd);
    rows.push(parseCells(row));
    at = rowEnd < 0 ? -1 : indexOfUnescaped(source, '<tr', rowEnd);
  }
  return tableBlock(
    rows,
    attributes['header-row'] === 'true',
    attributes['header-column'] === 'true',
  );
}

function parseCells(row: string): RichTextItem[][] {
  const cells: RichTextItem[][] = [];
  let at = indexOfUnescaped(row, '<td', 0);
  while (at >= 0) {
    const open = row.indexOf('>', at);
    const close = indexOfUnescaped(row, '</td>', open);
    const end = close < 0 ? row.length : close;
    cells.push(parseRichTextMarkdown(row.slice(open + 1, end)));
    at = close < 0 ? -1 : indexOfUnescaped(row, '<td', close);
  }
  return cells;
}

function splitPipeRow(line: string): string[] {
  let body = line.trim();
  if (body.startsWith('|')) body = body.slice(1);
  if (body.endsWith('|') && !body.endsWith('\\|')) body = body.slice(0, -1);
  const cells: string[] = [];
  let start = 0;
  for (let i = 0; i < body.length; i += 1) {
    if (body[i] === '\\') i += 1;
    else if (body[i] === '|') {
      cells.push(body.slice(start, i).trim());
      start = i + 1;
    }
  }
  cells.push(body.slice(start).trim());
  return cells;
}

const DELIMITER_ROW = /^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?$/;

/** Whether the cursor sits on a pipe table's header row followed by its delimiter row. */
export function isPipeTableStart(cursor: LineCursor): boolean {
  const line = (cursor.lines[cursor.index] ?? '').trim();
  const next = (cursor.lines[cursor.index + 1] ?? '').trim();
  return line.startsWith('|') && DELIMITER_ROW.test(next);
}

/** Parses a GitHub pipe table; its first row becomes the column header. */
export function parsePipeTable(cursor: LineCursor): BlockRequest {
  const rows: RichTextItem[][][] = [];
  const header = cursor.lines[cursor.index] ?? '';
  rows.push(splitPipeRow(header).map(parseRichTextMarkdown));
  cursor.index += 2;
  while (cursor.index < cursor.lines.length) {
    const line = (cursor.lines[cursor.index] ?? '').trim();
    if (!line.startsWith('|')) break;
    rows.push(splitPipeRow(line).map(parseRichTextMarkdown));
    cursor.index += 1;
  }
  return tableBlock(rows, true, false);
}
