// Block tree → enhanced markdown, one block per line (plus the lines of multi-line constructs),
// children one tab deeper, as GET /v1/pages/{id}/markdown returns it.

import type {
  BlocksToMarkdownOptions,
  BlocksToMarkdownResult,
  MarkdownBlock,
  RichTextItem,
} from './markdown.ts';
import {
  escapeAttribute,
  escapeMarkdownText,
  notionUrl,
  renderAttributes,
  renderBlockAttributes,
  renderLinkDestination,
  toMarkdownColor,
} from './markdown-syntax.ts';
import { renderRichTextMarkdown } from './rich-text-markdown.ts';

const MEDIA_TAGS = new Set(['audio', 'video', 'file', 'pdf']);

interface RenderContext {
  pageId: string | undefined;
  unknownBlockIds: string[];
}

/**
 * Renders API-shaped blocks (children resolved into `children`) as Notion-flavoured Markdown.
 * Blocks the format does not cover (bookmark, embed, link_preview, breadcrumb, template,
 * meeting notes, unsupported, anything unrecognised) become `<unknown url="…" alt="<type>"/>`
 * and their ids are returned in `unknownBlockIds`.
 */
export function blocksToMarkdown(
  blocks: readonly MarkdownBlock[],
  options: BlocksToMarkdownOptions = {},
): BlocksToMarkdownResult {
  const context: RenderContext = { pageId: options.pageId, unknownBlockIds: [] };
  const lines = renderBlockList(blocks, 0, context);
  return { markdown: lines.join('\n'), unknownBlockIds: context.unknownBlockIds };
}

function renderBlockList(blocks: readonly MarkdownBlock[], depth: number, ctx: RenderContext) {
  const lines: string[] = [];
  let number = 0;
  for (const block of blocks) {
    number = block.type === 'numbered_list_item' ? number + 1 : 0;
    const payload = payloadOf(block);
    const text = renderRichTextMarkdown(richTextOf(payload));
    const args: BlockArgs = {
      block,
      payload,
      depth,
      indent: '\t'.repeat(depth),
      ctx,
      number,
      text,
    };
    const render =
      RENDERERS[block.type] ?? (MEDIA_TAGS.has(block.type) ? renderMedia : renderUnknown);
    lines.push(...render(args));
  }
  return lines;
}

/** What a block renderer gets: the block, its payload and its rendered rich text. */
interface BlockArgs {
  block: MarkdownBlock;
  payload: Record<string, unknown>;
  depth: number;
  indent: string;
  ctx: RenderContext;
  /** 1-based position in a run of numbered list items (0 for other blocks). */
  number: number;
  /** The payload's `rich_text` as enhanced markdown. */
  text: string;
}

type BlockRenderer = (args: BlockArgs) => string[];

/** The `<type>: {…}` payload of a block, as a loose record. */
function payloadOf(block: MarkdownBlock): Record<string, unknown> {
  const payload = block[block.type];
  return typeof payload === 'object' && payload !== null
    ? (payload as Record<string, unknown>)
    : {};
}

function richTextOf(payload: Record<string, unknown>, key = 'rich_text'): RichTextItem[] {
  const value = payload[key];
  return Array.isArray(value) ? (value as RichTextItem[]) : [];
}

function blockColor(payload: Record<string, unknown>): string | undefined {
  const color = payload.color;
  return typeof color === 'string' && color !== 'default' ? toMarkdownColor(color) : undefined;
}

function childLines(args: BlockArgs): string[] {
  return renderBlockList(args.block.children ?? [], args.depth + 1, args.ctx);
}

/** A one-line block with a prefix, its `{color}` attribute and its children one tab deeper. */
function prefixed(prefix: (args: BlockArgs) => string): BlockRenderer {
  return (args) => [
    `${args.indent}${prefix(args)}${args.text}${renderBlockAttributes({ color: blockColor(args.payload) })}`,
    ...childLines(args),
  ];
}

/** An XML-ish container block: opening tag, children one tab deeper, closing tag. */
function container(
  tag: string,
  attributes: (args: BlockArgs) => Record<string, string | undefined>,
): BlockRenderer {
  return (args) => [
    `${args.indent}<${tag}${renderAttributes(attributes(args))}>`,
    ...childLines(args),
    `${args.indent}</${tag}>`,
  ];
}

function reference(tag: 'page' | 'database'): BlockRenderer {
  return ({ block, payload, indent }) => {
    const url = escapeAttribute(notionUrl(block.id ?? ''));
    return [
      `${indent}<${tag} url="${url}">${escapeMarkdownText(String(payload.title ?? ''))}</${tag}>`,
    ];
  };
}

const RENDERERS: Record<string, BlockRenderer> = {
  paragraph: (args) =>
    prefixed(() => '')({
      ...args,
      text: args.text === '' ? '<empty-block/>' : guardLineStart(args.text),
    }),
  heading_1: renderHeading,
  heading_2: renderHeading,
  heading_3: renderHeading,
  heading_4: renderHeading,
  bulleted_list_item: prefixed(() => '- '),
  numbered_list_item: prefixed(({ number }) => `${number}. `),
  to_do: prefixed(({ payload }) => `- [${payload.checked === true ? 'x' : ' '}] `),
  quote: prefixed(() => '> '),
  toggle: (args) => {
    const [open, ...rest] = container('details', ({ payload }) => ({ color: blockColor(payload) }))(
      args,
    );
    return [open as string, `${args.indent}<summary>${args.text}</summary>`, ...rest];
  },
  callout: renderCallout,
  code: renderCode,
  equation: ({ payload, indent }) => [
    `${indent}$$`,
    ...String(payload.expression ?? '')
      .split('\n')
      .map((line) => indent + line),
    `${indent}$$`,
  ],
  divider: ({ indent }) => [`${indent}---`],
  table: renderTable,
  image: ({ payload, indent }) => {
    const caption = renderRichTextMarkdown(richTextOf(payload, 'caption'));
    const attributes = renderBlockAttributes({ color: blockColor(payload) });
    return [`${indent}![${caption}](${renderLinkDestination(fileUrl(payload))})${attributes}`];
  },
  child_page: reference('page'),
  child_database: reference('database'),
  link_to_page: ({ payload, indent }) => [`${indent}${renderLinkToPage(payload)}`],
  table_of_contents: ({ payload, indent }) => [
    `${indent}<table_of_contents${renderAttributes({ color: blockColor(payload) })}/>`,
  ],
  column_list: container('columns', () => ({})),
  column: container('column', () => ({})),
  synced_block: renderSyncedBlock,
};

/** Escapes a paragraph start that would otherwise read as another block's syntax. */
function guardLineStart(text: string): string {
  if (/^\d+[.)] /.test(text)) return text.replace(/[.)]/, (mark) => `\\${mark}`);
  if (/^(#{1,6} |[-+] |[-+]$|-{3,}$|_{3,}$)/.test(text)) return `\\${text}`;
  return text;
}

function renderHeading(args: BlockArgs): string[] {
  const { block, payload, indent, text } = args;
  const level = Number(block.type.slice(-1));
  const toggleable = payload.is_toggleable === true;
  const attributes = renderBlockAttributes({
    toggle: toggleable ? 'true' : undefined,
    color: blockColor(payload),
  });
  const line = `${indent}${'#'.repeat(level)} ${text}${attributes}`;
  return toggleable ? [line, ...childLines(args)] : [line];
}

function renderCallout(args: BlockArgs): string[] {
  const { payload, indent, text } = args;
  const children = args.block.children ?? [];
  const attributes = renderAttributes({
    icon: iconValue(payload.icon),
    color: blockColor(payload),
  });
  // An empty first line keeps a leading child paragraph from reading back as the callout's text.
  const first = text === '' ? '<empty-block/>' : guardLineStart(text);
  const needsFirst = text !== '' || children[0]?.type === 'paragraph';
  return [
    `${indent}<callout${attributes}>`,
    ...(needsFirst ? [`${indent}\t${first}`] : []),
    ...childLines(args),
    `${indent}</callout>`,
  ];
}

function iconValue(icon: unknown): string | undefined {
  if (typeof icon !== 'object' || icon === null) return undefined;
  const value = icon as { type?: string; emoji?: string; external?: { url?: string } };
  if (value.type === 'emoji' || value.emoji !== undefined) return value.emoji;
  return value.external?.url ?? fileUrl(value as Record<string, unknown>);
}

function renderCode({ payload, indent }: BlockArgs): string[] {
  const content = richTextOf(payload)
    .map((item) => item.text?.content ?? item.plain_text ?? '')
    .join('');
  const longest = Math.max(2, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const language = typeof payload.language === 'string' ? payload.language : 'plain text';
  return [
    `${indent}${fence}${language === 'plain text' ? '' : language}`,
    ...content.split('\n').map((line) => indent + line),
    `${indent}${fence}`,
  ];
}

function renderTable({ block, payload, indent }: BlockArgs): string[] {
  const rows = block.children ?? [];
  const attributes = renderAttributes({
    'header-row': payload.has_column_header === true ? 'true' : undefined,
    'header-column': payload.has_row_header === true ? 'true' : undefined,
  });
  const lines = [`${indent}<table${attributes}>`];
  for (const row of rows) {
    const cells = payloadOf(row).cells;
    lines.push(`${indent}\t<tr>`);
    for (const cell of Array.isArray(cells) ? cells : []) {
      const rendered = renderRichTextMarkdown(Array.isArray(cell) ? (cell as RichTextItem[]) : []);
      lines.push(`${indent}\t\t<td>${rendered}</td>`);
    }
    lines.push(`${indent}\t</tr>`);
  }
  lines.push(`${indent}</table>`);
  return lines;
}

function fileUrl(payload: Record<string, unknown>): string {
  const file = payload.file as { url?: string } | undefined;
  const external = payload.external as { url?: string } | undefined;
  return file?.url ?? external?.url ?? '';
}

function renderMedia({ block, payload, indent }: BlockArgs): string[] {
  const tag = block.type;
  const caption = renderRichTextMarkdown(richTextOf(payload, 'caption'));
  const attributes = renderAttributes({ src: fileUrl(payload), color: blockColor(payload) });
  return [`${indent}<${tag}${attributes}>${caption}</${tag}>`];
}

function renderLinkToPage(payload: Record<string, unknown>): string {
  const id = String(payload.page_id ?? payload.database_id ?? '');
  const tag = payload.type === 'database_id' ? 'mention-database' : 'mention-page';
  return `<${tag} url="${escapeAttribute(notionUrl(id))}"/>`;
}

function renderSyncedBlock(args: BlockArgs): string[] {
  const from = args.payload.synced_from as { block_id?: string } | null | undefined;
  if (from?.block_id === undefined) return container('synced_block', () => ({}))(args);
  const url = notionUrl(from.block_id);
  return container('synced_block_reference', () => ({ url }))(args);
}

function renderUnknown({ block, indent, ctx }: BlockArgs): string[] {
  const id = block.id ?? '';
  if (id !== '') ctx.unknownBlockIds.push(id);
  const url = ctx.pageId === undefined ? notionUrl(id) : notionUrl(ctx.pageId, id);
  return [`${indent}<unknown${renderAttributes({ url, alt: block.type })}/>`];
}
