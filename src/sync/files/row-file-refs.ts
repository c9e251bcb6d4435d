// The files of the rows a batch commits: `files` properties the source keeps, icon, cover, and
// media in stored Markdown. Each becomes a reference written with the row's new version; the
// signed URLs stay in memory for the downloads right after the commit (they are never stored:
// a signed URL is a short-lived credential).
import type { PageObjectResponse } from '@notionhq/client';
import { collectMarkdownFileRefs, collectPageFileRefs, type FileRef } from '../../notion/index.ts';
import type { FileRefInput } from '../../store/index.ts';
import type { PulledRow, SourceSchema } from '../store-api.ts';
import type { FilesSettings } from './files-settings.ts';

/** The files of one page: kept properties (keyed by property id), icon, cover, content. */
export function fileRefsOfPage(
  page: PageObjectResponse,
  schema: SourceSchema,
  content: string | null | undefined,
): FileRef[] {
  const properties: Record<string, unknown> = {};
  for (const value of Object.values(page.properties)) {
    if (Object.hasOwn(schema.properties, value.id)) properties[value.id] = value;
  }
  return [
    ...collectPageFileRefs({ properties, icon: page.icon, cover: page.cover }),
    ...(content ? collectMarkdownFileRefs(content) : []),
  ];
}

export function toRefInput(ref: FileRef, settings: FilesSettings): FileRefInput {
  return {
    slot: ref.slot,
    name: ref.name,
    identity: ref.identity,
    kind: ref.kind,
    keep: settings.keep && (ref.kind === 'hosted' || settings.external),
  };
}

/**
 * The batch's rows with their file references, and the signed URLs by page id for the
 * downloads that follow the commit.
 */
export function withFileRefs(
  rows: PulledRow[],
  pages: PageObjectResponse[],
  schema: SourceSchema,
  settings: FilesSettings,
): { rows: PulledRow[]; urls: Map<string, FileRef[]> } {
  const byId = new Map(pages.map((p) => [p.id, p]));
  const urls = new Map<string, FileRef[]>();
  const out = rows.map((row) => {
    const page = byId.get(row.pageId);
    if (!page) return row;
    const refs = fileRefsOfPage(page, schema, row.content);
    if (refs.length === 0) return row;
    urls.set(row.pageId, refs);
    return { ...row, files: refs.map((ref) => toRefInput(ref, settings)) };
  });
  return { rows: out, urls };
}
