// Invariant: every unescaped `<page>` / `<database>` line outside code and equations names a
// child, at any indentation; nothing else does.
import { describe, expect, it } from 'vitest';
import { listMarkdownReferences } from './markdown-references.ts';

const A = '1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6';
const B = '2b3c4d5e6f7a48b9c0d1e2f3a4b5c6d7';
const C = '3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e8';
const dashed = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

describe('listMarkdownReferences', () => {
  it('finds child pages and databases at the top level, in toggles and in columns', () => {
    const markdown = [
      '# Handbook',
      `<page url="https://app.notion.com/p/${A}">Onboarding</page>`,
      '<details>',
      '<summary>More</summary>',
      `\t<page url="https://www.notion.so/Glossary-${B}" color="blue">Glossary</page>`,
      '</details>',
      '<columns>',
      '\t<column>',
      `\t\t<database url="https://app.notion.com/p/${C}" inline="true">Tasks</database>`,
      '\t</column>',
      '</columns>',
      `<page url="https://app.notion.com/p/${A}">Onboarding again</page>`,
    ].join('\n');
    expect(listMarkdownReferences(markdown)).toEqual({
      pages: [dashed(A), dashed(B)],
      databases: [dashed(C)],
    });
  });

  it('ignores escaped tags, mentions, code blocks and equations', () => {
    const markdown = [
      `\\<page url="https://app.notion.com/p/${A}">not a page\\</page>`,
      `See <mention-page url="https://app.notion.com/p/${A}"/> and <page url="https://app.notion.com/p/${A}">x</page>`,
      '```html',
      `<page url="https://app.notion.com/p/${B}">in code</page>`,
      '```',
      '\t````',
      '\t```',
      `\t<database url="https://app.notion.com/p/${C}">still code</database>`,
      '\t````',
      '$$',
      `<page url="https://app.notion.com/p/${C}">in an equation</page>`,
      '$$',
      '<page url="https://example.com/no-id">no id</page>',
    ].join('\n');
    expect(listMarkdownReferences(markdown)).toEqual({ pages: [], databases: [] });
  });

  it('reads tags again after a code block closes', () => {
    const markdown = ['```', 'code', '```', `<page url="https://app.notion.com/p/${A}">A</page>`];
    expect(listMarkdownReferences(markdown.join('\n')).pages).toEqual([dashed(A)]);
  });
});
