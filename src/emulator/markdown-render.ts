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
    lines.push(...renderBlock(block, depth, ctx, number));
  }
  return lines;
}

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

function renderBlock(
  block: MarkdownBlock,
  depth: number,
  ctx: RenderContext,
  number: number,
): string[] {
  const indent = '\t'.repeat(depth);
  const payload = payloadOf(block);
  const children = block.children ?? [];
  const childLines = () => renderBlockList(children, depth + 1, ctx);
  const text = renderRichTextMarkdown(richTextOf(payload));
  const attributes = renderBlockAttributes({ color: blockColor(payload) });
  switch (block.type) {
    case 'paragraph':
      return [
        `${indent}${text === '' ? '<empty-block/>' : guardLineStart(text)}${attributes}`,
        ...childLines(),
      ];
    case 'heading_1':
    case 'heading_2':
    case 'heading_3':
    case 'heading_4':
      return renderHeading(block, payload, text, indent, childLines);
    case 'bulleted_list_item':
      return [`${indent}- ${text}${attributes}`, ...childLines()];
    case 'numbered_list_item':
      return [`${indent}${number}. ${text}${attributes}`, ...childLines()];
    case 'to_do':
      return [
        `${indent}- [${payload.checked === true ? 'x' : ' '}] ${text}${attributes}`,
        ...childLines(),
      ];
    case 'quote':
      return [`${indent}> ${text}${attributes}`, ...childLines()];
    case 'toggle':
      return [
        `${indent}<details${renderAttributes({ color: blockColor(payload) })}>`,
        `${indent}<summary>${text}</summary>`,
        ...childLines(),
        `${indent}</details>`,
      ];
    case 'callout':
      return renderCallout(payload, text, depth, children, ctx);
    case 'code':
      return renderCode(payload, indent);
    case 'equation':
      return [
        `${indent}$$`,
        ...String(payload.expression ?? '')
          .split('\n')
          .map((l) => indent + l),
        `${indent}$$`,
      ];
    case 'divider':
      return [`${indent}---`];
    case 'table':
      return renderTable(payload, children, indent);
    case 'image':
      return [
        `${indent}![${renderRichTextMarkdown(richTextOf(payload, 'caption'))}](${renderLinkDestination(fileUrl(payload))})${attributes}`,
      ];
    case 'child_page':
      return [
        `${indent}<page url="${escapeAttribute(notionUrl(block.id ?? ''))}">${escapeMarkdownText(String(payload.title ?? ''))}</page>`,
      ];
    case 'child_database':
      return [
        `${indent}<database url="${escapeAttribute(notionUrl(block.id ?? ''))}">${escapeMarkdownText(String(payload.title ?? ''))}</database>`,
      ];
    case 'link_to_page':
      return [`${indent}${renderLinkToPage(payload)}`];
    case 'table_of_contents':
      return [`${indent}<table_of_contents${renderAttributes({ color: blockColor(payload) })}/>`];
    case 'column_list':
      return [`${indent}<columns>`, ...childLines(), `${indent}</columns>`];
    case 'column':
      return [`${indent}<column>`, ...childLines(), `${indent}</column>`];
    case 'synced_block':
      return renderSyncedBlock(payload, indent, childLines);
    default:
      if (MEDIA_TAGS.has(block.type)) return [`${indent}${renderMedia(block.type, payload)}`];
      return [renderUnknown(block, indent, ctx)];
  }
}

/** Escapes a paragraph start that would otherwise read as another block's syntax. */
function guardLineStart(text: string): string {
  if (/^\d+[.)] /.test(text)) return text.replace(/[.)]/, (mark) => `\\${mark}`);
  if (/^(#{1,6} |[-+] |[-+]$|-{3,}$|_{3,}$)/.test(text)) return `\\${text}`;
  return text;
}

function renderHeading(
  block: MarkdownBlock,
  payload: Record<string, unknown>,
  text: string,
  indent: string,
  childLines: () => string[],
): string[] {
  const level = Number(block.type.slice(-1));
  const toggleable = payload.is_toggleable === true;
  const attributes = renderBlockAttributes({
    toggle: toggleable ? 'true' : undefined,
    color: blockColor(payload),
  });
  const line = `${indent}${'#'.repeat(level)} ${text}${attributes}`;
  return toggleable ? [line, ...childLines()] : [line];
}

function renderCallout(
  payload: Record<string, unknown>,
  text: string,
  depth: number,
  children: readonly MarkdownBlock[],
  ctx: RenderContext,
): string[] {
  const indent = '\t'.repeat(depth);
  const inner = '\t'.repeat(depth + 1);
  const attributes = renderAttributes({
    icon: iconValue(payload.icon),
    color: blockColor(payload),
  });
  // An empty first line keeps a leading child paragraph from reading back as the callout's text.
  const first = text === '' ? '<empty-block/>' : guardLineStart(text);
  const needsFirst = text !== '' || children[0]?.type === 'paragraph';
  return [
    `${indent}<callout${attributes}>`,
    ...(needsFirst ? [`${inner}${first}`] : []),
    ...renderBlockList(children, depth + 1, ctx),
    `${indent}</callout>`,
  ];
}

function iconValue(icon: unknown): string | undefined {
  if (typeof icon !== 'object' || icon === null) return undefined;
  const value = icon as { type?: string; emoji?: string; external?: { url?: string } };
  if (value.type === 'emoji' || value.emoji !== undefined) return value.emoji;
  return value.external?.url ?? fileUrl(value as Record<string, unknown>);
}

function renderCode(payload: Record<string, unknown>, indent: string): string[] {
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

function renderTable(
  payload: Record<string, unknown>,
  rows: readonly MarkdownBlock[],
  indent: string,
): string[] {
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

function renderMedia(tag: string, payload: Record<string, unknown>): string {
  const caption = renderRichTextMarkdown(richTextOf(payload, 'caption'));
  const attributes = renderAttributes({ src: fileUrl(payload), color: blockColor(payload) });
  return `<${tag}${attributes}>${caption}</${tag}>`;
}

function renderLinkToPage(payload: Record<string, unknown>): string {
  const id = String(payload.page_id ?? payload.database_id ?? '');
  const tag = payload.type === 'database_id' ? 'mention-database' : 'mention-page';
  return `<${tag} url="${escapeAttribute(notionUrl(id))}"/>`;
}

function renderSyncedBlock(
  payload: Record<string, unknown>,
  indent: string,
  childLines: () => string[],
): string[] {
  const from = payload.synced_from as { block_id?: string } | null | undefined;
  if (from?.block_id === undefined) {
    return [`${indent}<synced_block>`, ...childLines(), `${indent}</synced_block>`];
  }
  const url = escapeAttribute(notionUrl(from.block_id));
  return [
    `${indent}<synced_block_reference url="${url}">`,
    ...childLines(),
    `${indent}</synced_block_reference>`,
  ];
}

function renderUnknown(block: MarkdownBlock, indent: string, ctx: RenderContext): string {
  const id = block.id ?? '';
  if (id !== '') ctx.unknownBlockIds.push(id);
  const url = ctx.pageId === undefined ? notionUrl(id) : notionUrl(ctx.pageId, id);
  return `${indent}<unknown${renderAttributes({ url, alt: block.type })}/>`;
}
