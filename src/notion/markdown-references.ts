// Child pages and databases named in Notion-flavoured Markdown. Notion renders a child page as a
// `<page url="…">Title</page>` line and a child database as `<database url="…">Title</database>`,
// indented like any block (so inside toggles, columns, callouts, …). Text that merely looks like
// such a tag is escaped (`\<page`) outside code, and code fences and equation blocks are literal,
// so only an unescaped tag opening a line outside those counts.
import { parseNotionId } from '../shared/index.ts';

export interface MarkdownReferences {
  /** Ids of child pages, in document order, without repeats. */
  pages: string[];
  /** Ids of child databases, in document order, without repeats. */
  databases: string[];
}

const TAG = /^\s*<(page|database)(\s[^>]*)?>/;
const URL_ATTRIBUTE = /\surl="([^"]*)"/;
const FENCE = /^\s*(`{3,}|~{3,})/;
const EQUATION = /^\s*\$\$\s*$/;

/** The child pages and databases a page's Markdown names (see the file comment). */
export function listMarkdownReferences(markdown: string): MarkdownReferences {
  const pages = new Set<string>();
  const databases = new Set<string>();
  let closing: RegExp | null = null;
  for (const line of markdown.split('\n')) {
    if (closing) {
      if (closing.test(line)) closing = null;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence?.[1]) {
      closing = new RegExp(`^\\s*${fence[1][0]}{${fence[1].length},}\\s*$`);
      continue;
    }
    if (EQUATION.test(line)) {
      closing = EQUATION;
      continue;
    }
    const tag = TAG.exec(line);
    const url = tag ? URL_ATTRIBUTE.exec(tag[2] ?? '')?.[1] : undefined;
    const id = url === undefined ? undefined : parseNotionId(url);
    if (id) (tag?.[1] === 'page' ? pages : databases).add(id);
  }
  return { pages: [...pages], databases: [...databases] };
}
