// The files a page refers to: `files` property items, icon, cover, and media in its Markdown.
// A Notion-hosted file comes as a signed URL that expires (about an hour); its identity is the
// URL without the signed query string, which names the stored object and stays the same across
// reads. An external file is a plain link; its identity is the whole URL.

export type FileKind = 'hosted' | 'external';

export interface FileRef {
  /** Where the file sits in the page: `property:<id>:<n>`, `icon`, `cover`, `content:<n>`. */
  slot: string;
  name: string;
  /** The URL as Notion gave it (signed for hosted files: never log it). */
  url: string;
  identity: string;
  kind: FileKind;
  /** When a hosted URL stops working (epoch ms), when known. */
  expiresMs: number | null;
}

const SIGNED_URL = /https?:\/\/[^\s)"'<>]+\?[^\s)"'<>]*X-Amz-Signature=[^\s)"'<>]*/g;
const MARKDOWN_IMAGE = /!\[[^\]]*\]\(<?([^)\s>]+)>?\)/g;
const MEDIA_SRC = /<(?:image|video|audio|pdf|file)\b[^>]*\ssrc="([^"]+)"/g;

export function isSignedUrl(url: string): boolean {
  return /[?&]X-Amz-Signature=/.test(url);
}

/** The URL without its signature (hosted files) or the URL itself (external links). */
export function fileIdentity(url: string): string {
  if (!isSignedUrl(url)) return url;
  const at = url.indexOf('?');
  return at === -1 ? url : url.slice(0, at);
}

/** A Notion-hosted file object's URL without its signed query (see notion-hash.ts). */
export function hostedFileIdentity(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? url : url.slice(0, at);
}

/** Expiry of an S3 presigned URL from `X-Amz-Date` + `X-Amz-Expires`; null when absent. */
export function signedUrlExpiry(url: string): number | null {
  const query = new URL(url).searchParams;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(query.get('X-Amz-Date') ?? '');
  const seconds = Number(query.get('X-Amz-Expires'));
  if (!m || !Number.isFinite(seconds)) return null;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) + seconds * 1000;
}

function nameFromUrl(url: string): string {
  const last = new URL(url).pathname.split('/').filter(Boolean).pop() ?? 'file';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** A Notion file object (`{type:'file'|'external', …}`) as a reference; others give null. */
export function fileObjectRef(value: unknown, slot: string, name?: string): FileRef | null {
  if (typeof value !== 'object' || value === null) return null;
  const object = value as {
    type?: string;
    name?: string;
    file?: { url?: string; expiry_time?: string | null };
    external?: { url?: string };
  };
  const hosted = object.type === 'file' ? object.file?.url : undefined;
  const url = hosted ?? (object.type === 'external' ? object.external?.url : undefined);
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return null;
  const expiry = object.file?.expiry_time ? Date.parse(object.file.expiry_time) : Number.NaN;
  return {
    slot,
    name: name ?? object.name ?? nameFromUrl(url),
    url,
    identity: hosted ? hostedFileIdentity(url) : url,
    kind: hosted ? 'hosted' : 'external',
    expiresMs: Number.isNaN(expiry) ? (hosted ? signedUrlExpiry(url) : null) : expiry,
  };
}

/**
 * Files of a page's properties (raw Notion values keyed by property id, `files` type only),
 * icon and cover.
 */
export function collectPageFileRefs(input: {
  properties: Record<string, unknown>;
  icon?: unknown;
  cover?: unknown;
}): FileRef[] {
  const refs: FileRef[] = [];
  for (const [id, raw] of Object.entries(input.properties)) {
    const value = raw as { type?: string; files?: unknown[] } | null;
    if (value?.type !== 'files' || !Array.isArray(value.files)) continue;
    value.files.forEach((item, n) => {
      const ref = fileObjectRef(item, `property:${id}:${n}`);
      if (ref) refs.push(ref);
    });
  }
  for (const slot of ['icon', 'cover'] as const) {
    const ref = fileObjectRef(input[slot], slot);
    if (ref) refs.push(ref);
  }
  return refs;
}

function markdownRef(url: string, n: number): FileRef {
  const hosted = isSignedUrl(url);
  return {
    slot: `content:${n}`,
    name: nameFromUrl(url),
    url,
    identity: fileIdentity(url),
    kind: hosted ? 'hosted' : 'external',
    expiresMs: hosted ? signedUrlExpiry(url) : null,
  };
}

/** Files in a page's Markdown: every signed (hosted) URL, and images and media by link. */
export function collectMarkdownFileRefs(markdown: string): FileRef[] {
  const urls: string[] = [];
  const add = (url: string | undefined) => {
    if (url && /^https?:\/\//.test(url) && !urls.includes(url)) urls.push(url);
  };
  for (const m of markdown.matchAll(SIGNED_URL)) add(m[0].replaceAll('&amp;', '&'));
  for (const m of markdown.matchAll(MARKDOWN_IMAGE)) add(m[1]);
  for (const m of markdown.matchAll(MEDIA_SRC)) add(m[1]?.replaceAll('&amp;', '&'));
  return urls.map((url, n) => markdownRef(url, n));
}

/** Markdown with hosted file URLs reduced to their identity (what the content hash covers). */
export function normalizeNotionMarkdown(markdown: string): string {
  return markdown.replace(SIGNED_URL, (url) => fileIdentity(url));
}
