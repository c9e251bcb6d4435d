// A unified diff of two texts, line by line (`diff -u` style, `context` lines around changes),
// for showing a body conflict's base, Notion and local sides to a person.
import { diffComm } from 'node-diff3';

type Part = { common: string[] } | { buffer1: string[]; buffer2: string[] };

interface Hunk {
  oldStart: number;
  newStart: number;
  lines: string[];
  oldCount: number;
  newCount: number;
}

function hunksOf(parts: Part[], context: number): Hunk[] {
  const hunks: Hunk[] = [];
  let oldLine = 1;
  let newLine = 1;
  let open: Hunk | null = null;
  for (const [index, part] of parts.entries()) {
    if ('common' in part) {
      const lines = part.common;
      const tail = open ? lines.slice(0, context) : [];
      if (open) {
        for (const line of tail) open.lines.push(` ${line}`);
        open.oldCount += tail.length;
        open.newCount += tail.length;
        if (lines.length > 2 * context || index === parts.length - 1) open = null;
      }
      if (open) {
        for (const line of lines.slice(context)) open.lines.push(` ${line}`);
        open.oldCount += lines.length - tail.length;
        open.newCount += lines.length - tail.length;
      }
      oldLine += lines.length;
      newLine += lines.length;
      if (!open && index < parts.length - 1) {
        const lead = lines.slice(Math.max(lines.length - context, tail.length));
        open = {
          oldStart: oldLine - lead.length,
          newStart: newLine - lead.length,
          lines: lead.map((l) => ` ${l}`),
          oldCount: lead.length,
          newCount: lead.length,
        };
        hunks.push(open);
      }
      continue;
    }
    if (!open) {
      open = { oldStart: oldLine, newStart: newLine, lines: [], oldCount: 0, newCount: 0 };
      hunks.push(open);
    }
    for (const line of part.buffer1) open.lines.push(`-${line}`);
    for (const line of part.buffer2) open.lines.push(`+${line}`);
    open.oldCount += part.buffer1.length;
    open.newCount += part.buffer2.length;
    oldLine += part.buffer1.length;
    newLine += part.buffer2.length;
  }
  return hunks;
}

/** `diff -u` of `before` and `after` (empty string when they are equal). */
export function unifiedDiff(
  before: string,
  after: string,
  labels: { before: string; after: string },
  context = 2,
): string {
  if (before === after) return '';
  const parts = diffComm(before.split('\n'), after.split('\n')) as Part[];
  const out = [`--- ${labels.before}`, `+++ ${labels.after}`];
  for (const hunk of hunksOf(parts, context)) {
    out.push(`@@ -${hunk.oldStart},${hunk.oldCount} +${hunk.newStart},${hunk.newCount} @@`);
    out.push(...hunk.lines);
  }
  return out.join('\n');
}
