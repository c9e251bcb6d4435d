// Page content as Markdown. Invariant: content is read only for rows whose content may have
// changed — a row whose last_edited_time equals the stored one and whose minute had closed
// before the previous run started is skipped whole (see row-pipeline.ts). Notion has been seen
// not to bump last_edited_time for block edits made through the API, so such edits are picked
// up by `pull --full`, which re-reads every row's content.
import type { NotionClient } from '../notion/index.ts';
import { isNotionApiError } from '../notion/index.ts';

export interface ContentRead {
  /** Markdown, or null when the page is gone (404): the caller drops the row. */
  markdown: string | null;
  complete: boolean;
}

/** Reads a page's content as Markdown, following truncated subtrees (notion layer). */
export async function readPageContent(notion: NotionClient, pageId: string): Promise<ContentRead> {
  try {
    const result = await notion.getPageMarkdown(pageId);
    return { markdown: result.markdown, complete: result.complete };
  } catch (error) {
    if (isNotionApiError(error) && error.code === 'notion_not_found')
      return { markdown: null, complete: false };
    throw error;
  }
}
