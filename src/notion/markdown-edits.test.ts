// Targeted Markdown edits: applying the planned requests the way Notion documents them (each
// `old_str` must match exactly once; `insert_content` appends) turns any page body into any
// target, whatever lines repeat, and every request stays within the limits.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type MarkdownEditLimits,
  type MarkdownEditRequest,
  planMarkdownEdits,
} from './markdown-edits.ts';

/** The endpoint's documented semantics, as a reference independent of the planner. */
function apply(current: string, request: MarkdownEditRequest): string {
  if (request.type === 'insert_content') {
    const content = request.insert_content.content;
    return current === '' ? content : `${current}\n${content}`;
  }
  let text = current;
  for (const { old_str, new_str } of request.update_content.content_updates) {
    expect(old_str).not.toBe('');
    expect(text.split(old_str).length - 1).toBe(1);
    text = text.replace(old_str, () => new_str);
  }
  return text;
}

const line = fc.constantFrom('', 'a', 'b', 'para one', '- item', '# Title', 'b a', '```', 'x');
const body = fc.array(line, { maxLength: 30 }).map((lines) => lines.join('\n'));

describe('planMarkdownEdits', () => {
  it('reaches the target from any body with unique anchors, never replace_content', () => {
    fc.assert(
      fc.property(body, body, (current, target) => {
        const requests = planMarkdownEdits(current, target);
        let text = current;
        for (const request of requests) {
          expect(['update_content', 'insert_content']).toContain(request.type);
          text = apply(text, request);
        }
        expect(text).toBe(target);
        if (current === target) expect(requests).toEqual([]);
      }),
      { seed: 14, numRuns: 500 },
    );
  });

  it('splits long edits into requests within the limits', () => {
    const limits: MarkdownEditLimits = {
      maxUpdatesPerRequest: 3,
      maxCharsPerRequest: 200,
      maxLinesPerUpdate: 5,
      maxLinesPerRequest: 12,
    };
    const current = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    const lines = current.split('\n').map((l, i) => (i % 4 === 0 ? `${l} edited` : l));
    lines.splice(20, 0, ...Array.from({ length: 23 }, (_, i) => `new ${i}`));
    const target = lines.join('\n');
    const requests = planMarkdownEdits(current, target, limits);
    let text = current;
    for (const request of requests) {
      expect(request.type).toBe('update_content');
      if (request.type !== 'update_content') continue;
      const updates = request.update_content.content_updates;
      expect(updates.length).toBeLessThanOrEqual(3);
      for (const u of updates) expect(u.new_str.split('\n').length).toBeLessThanOrEqual(5 + 4);
      const lines = updates.reduce((n, u) => n + u.new_str.split('\n').length, 0);
      expect(lines).toBeLessThanOrEqual(12);
      text = apply(text, request);
    }
    expect(requests.length).toBeGreaterThan(4);
    expect(text).toBe(target);
  });

  it('anchors away from a hosted file’s signed link when it can', () => {
    const image =
      '![](https://files.example/a.png?X-Amz-Date=20261127T000000Z&X-Amz-Signature=abc)';
    const current = ['top', 'x', image, 'x'].join('\n');
    const target = ['top', 'x changed', image, 'x'].join('\n');
    const [request] = planMarkdownEdits(current, target);
    if (request?.type !== 'update_content') throw new Error('expected update_content');
    expect(request.update_content.content_updates).toEqual([
      { old_str: 'top\nx', new_str: 'top\nx changed' },
    ]);
  });

  it('fills an empty page with insert_content, in pieces when long', () => {
    const target = Array.from({ length: 12 }, (_, i) => `p${i}`).join('\n');
    const limits = {
      maxUpdatesPerRequest: 100,
      maxCharsPerRequest: 1000,
      maxLinesPerUpdate: 5,
      maxLinesPerRequest: 900,
    };
    const requests = planMarkdownEdits('', target, limits);
    expect(requests.map((r) => r.type)).toEqual(Array(3).fill('insert_content'));
    expect(requests.reduce(apply, '')).toBe(target);
  });
});
