import { NotionSyncError } from '../errors.ts';

/** Notion's limits for one rich-text array in a request (notion-api.md §5.2). */
export const MAX_TEXT_ITEM_CHARS = 2000;
export const MAX_RICH_TEXT_ITEMS = 100;

export interface RichTextLike {
  type?: string;
  plain_text?: string;
  text?: { content?: string };
  equation?: { expression?: string };
}

/** The text a rich-text array shows (what Notion calls `plain_text`), concatenated. */
export function plainTextOf(items: readonly RichTextLike[] | null | undefined): string {
  if (!items) return '';
  let out = '';
  for (const item of items) {
    if (typeof item.plain_text === 'string') out += item.plain_text;
    else if (item.type === 'equation') out += item.equation?.expression ?? '';
    else out += item.text?.content ?? '';
  }
  return out;
}

/** Number of inline mentions (the references Notion truncates at 25 per property). */
export function countMentions(items: readonly RichTextLike[] | null | undefined): number {
  return items ? items.filter((item) => item.type === 'mention').length : 0;
}

/**
 * Splits text into request items of at most 2,000 characters each, never cutting a surrogate
 * pair. More than 100 items (about 200,000 characters) is `value_invalid`.
 */
export function textToRichTextRequest(
  text: string,
  property = 'text',
): { type: 'text'; text: { content: string } }[] {
  const items: { type: 'text'; text: { content: string } }[] = [];
  let rest = text;
  while (rest.length > 0) {
    let cut = Math.min(MAX_TEXT_ITEM_CHARS, rest.length);
    const last = rest.charCodeAt(cut - 1);
    if (cut < rest.length && last >= 0xd800 && last <= 0xdbff) cut -= 1;
    items.push({ type: 'text', text: { content: rest.slice(0, cut) } });
    rest = rest.slice(cut);
  }
  if (items.length > MAX_RICH_TEXT_ITEMS) {
    throw new NotionSyncError(
      'value_invalid',
      `${property} is ${text.length} characters long; Notion accepts at most ${MAX_RICH_TEXT_ITEMS * MAX_TEXT_ITEM_CHARS} characters in one text property. Shorten it.`,
      { details: { property, length: text.length } },
    );
  }
  return items;
}
