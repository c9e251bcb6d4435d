// File names of a Markdown folder target: `<title-slug>-<short id>.md`. The short id (the first 8
// hex digits of the page id) keeps two pages with one title apart; the slug is only for people.

const MAX_SLUG = 60;

/** Lower-case ASCII words joined by `-` (accents dropped); `untitled` when nothing is left. */
export function slugOf(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/-+$/g, '');
  return slug || 'untitled';
}

export function shortIdOf(pageId: string): string {
  return pageId.replace(/-/g, '').slice(0, 8);
}

export function fileNameFor(title: string, pageId: string): string {
  return `${slugOf(title)}-${shortIdOf(pageId)}.md`;
}

/** The folder holding a page's children in a tree layout: its file name without `.md`. */
export function childFolderOf(relativePath: string): string {
  return relativePath.replace(/\.md$/, '');
}

export function notionUrlOf(pageId: string): string {
  return `https://www.notion.so/${pageId.replace(/-/g, '')}`;
}
