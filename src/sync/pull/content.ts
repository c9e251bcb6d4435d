// Page content as Markdown. Invariant: content is read only for rows whose content may have
// changed — a row whose last_edited_time equals the stored one and whose minute had closed
// before the previous run started is skipped whole (see row-pipeline.ts). Notion has been seen
// not to bump last_edited_time for block edits made through the API, so such edits are picked
// up by `pull --full`, which re-reads every row's content.
import type { NotionClient, PageMarkdownResult } from '../../notion/index.ts';
import { isNotionApiError } from '../../notion/index.ts';

export interface ContentRead {
  /** Markdown, or null when the page is gone (404): the caller drops the row. */
  markdown: string | null;
  complete: boolean;
}

/** Reads a page's content as Markdown, following truncated subtrees (notion layer). */
export async function readPageContent(notion: NotionClient, pageId: string): Promise<ContentRead> {
  const result = await readPageMarkdown(notion, pageId);
  return result
    ? { markdown: result.markdown, complete: result.complete }
    : { markdown: null, complete: false };
}

/** The whole Markdown read of a page (what page trees discover child pages from); null on 404. */
export async function readPageMarkdown(
  notion: NotionClient,
  pageId: string,
): Promise<PageMarkdownResult | null> {
  try {
    return await notion.getPageMarkdown(pageId);
  } catch (error) {
    if (isNotionApiError(error) && error.code === 'notion_not_found') return null;
    throw error;
  }
}
