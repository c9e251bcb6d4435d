// Notion-flavoured ("enhanced") Markdown for the page Markdown endpoints
// (GET/PATCH /v1/pages/{id}/markdown). Reference:
// https://developers.notion.com/guides/data-apis/enhanced-markdown and
// https://developers.notion.com/guides/data-apis/working-with-markdown-content.
// Blocks are separated by a single newline, nesting is one tab per level, line breaks inside a
// block are `<br>`, and block types the format does not cover render as
// `<unknown url="…" alt="<type>"/>` with their ids reported separately.

export { markdownToBlocks } from './markdown-parse.ts';
export { blocksToMarkdown } from './markdown-render.ts';

/** Text annotations of a rich-text item (requests may leave any of them out). */
export interface Annotations {
  bold: boolean;
  italic: boolean;
  strikethrough: boolean;
  underline: boolean;
  code: boolean;
  color: string;
}

/** A mention as a block response carries it (`type` + payload) or as a request sends it. */
export interface MentionValue {
  type?: string;
  user?: { id: string; name?: string | null };
  page?: { id: string };
  database?: { id: string };
  data_source?: { id: string };
  date?: { start: string; end?: string | null; time_zone?: string | null };
  link_preview?: { url: string };
  link_mention?: { href: string; title?: string };
  template_mention?: Record<string, string>;
  custom_emoji?: { id: string; name?: string; url?: string };
}

/** One rich-text item, response- or request-shaped. */
export interface RichTextItem {
  type?: 'text' | 'mention' | 'equation';
  text?: { content: string; link?: { url: string } | null };
  mention?: MentionValue;
  equation?: { expression: string };
  annotations?: Partial<Annotations>;
  plain_text?: string;
  href?: string | null;
}

/**
 * An API-shaped block object as `GET /v1/blocks/{id}` returns it (object, id, type,
 * `<type>: {…}`, has_children, …), optionally with its children already resolved.
 */
export interface MarkdownBlock {
  id?: string;
  type: string;
  has_children?: boolean;
  children?: MarkdownBlock[];
  [key: string]: unknown;
}

/**
 * A block as `PATCH /v1/blocks/{id}/children` accepts it: `type` and `<type>: {…}`, nested
 * children inside `<type>.children`. Two kinds are references rather than new content:
 * `child_page: { id, title }` and `child_database: { id, title }` stand for an existing page or
 * database named by `<page url>` / `<database url>`; the caller keeps (or moves) that object.
 */
export interface BlockRequest {
  type: string;
  [key: string]: unknown;
}

/** Result of {@link blocksToMarkdown}. */
export interface BlocksToMarkdownResult {
  markdown: string;
  /** Ids of blocks rendered as `<unknown …/>` (types the format does not cover). */
  unknownBlockIds: string[];
}

/** Options of {@link blocksToMarkdown}. */
export interface BlocksToMarkdownOptions {
  /** The page the blocks belong to; used in the URLs of `<unknown>` tags. */
  pageId?: string;
}
