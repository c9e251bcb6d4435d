// Rich text ↔ Notion-flavoured Markdown inline syntax: **bold**, *italic*, ~~strike~~,
// `code`, [link](url), $math$, <span underline="true">, <span color="…">, <br>, and
// <mention-…> tags. Style changes happen next to non-blank text only (Markdown emphasis cannot
// start or end on whitespace), so whitespace at the edge of a styled run (bold, but also a
// colour or underline span) takes the styles its two neighbours share.

import type { Annotations, MentionValue, RichTextItem } from './markdown.ts';
import {
  escapeAttribute,
  escapeMarkdownText,
  notionUrl,
  renderAttributes,
  renderLinkDestination,
  toMarkdownColor,
  userUrl,
} from './markdown-syntax.ts';
import { parseRichTextMarkdown } from './rich-text-parse.ts';

export { parseRichTextMarkdown };

type MarkerKind = 'color' | 'underline' | 'strikethrough' | 'bold' | 'italic';
interface Marker {
  kind: MarkerKind;
  color?: string;
}
/** Opening order; bold before italic keeps `***` runs unambiguous for the parser. */
const MARKER_ORDER: MarkerKind[] = ['color', 'underline', 'strikethrough', 'bold', 'italic'];
const STAR_KINDS = new Set<MarkerKind>(['bold', 'italic']);

interface Piece {
  /** Rendered Markdown of the content, without style markers. */
  body: string;
  /** Whether the content is only whitespace (affects where markers may sit). */
  blank: boolean;
  /** Code spans can merge only with code spans. */
  code: boolean;
  codeText?: string;
  markers: Marker[];
  link: string | null;
}

/** Renders a rich-text array as enhanced-markdown inline text. */
export function renderRichTextMarkdown(items: readonly RichTextItem[]): string {
  const pieces = mergePieces(items.flatMap(toPieces));
  let out = '';
  let index = 0;
  while (index < pieces.length) {
    const link = pieces[index]?.link ?? null;
    let end = index;
    while (end < pieces.length && (pieces[end]?.link ?? null) === link) end += 1;
    const group = pieces.slice(index, end);
    const styled = renderStyled(group);
    out += link === null ? styled : `[${styled}](${renderLinkDestination(link)})`;
    index = end;
  }
  return out;
}

function annotationsOf(item: RichTextItem): Annotations {
  const a = item.annotations ?? {};
  return {
    bold: a.bold ?? false,
    italic: a.italic ?? false,
    strikethrough: a.strikethrough ?? false,
    underline: a.underline ?? false,
    code: a.code ?? false,
    color: a.color ?? 'default',
  };
}

function markersOf(a: Annotations): Marker[] {
  const markers: Marker[] = [];
  if (a.color !== 'default') markers.push({ kind: 'color', color: a.color });
  if (a.underline) markers.push({ kind: 'underline' });
  if (a.strikethrough) markers.push({ kind: 'strikethrough' });
  if (a.bold) markers.push({ kind: 'bold' });
  if (a.italic) markers.push({ kind: 'italic' });
  return markers;
}

function toPieces(item: RichTextItem): Piece[] {
  const a = annotationsOf(item);
  const markers = markersOf(a);
  if (item.type === 'equation' || (item.type === undefined && item.equation !== undefined)) {
    const expression = item.equation?.expression ?? '';
    const body = `$${expression.replaceAll('$', '\\$')}$`;
    return [{ body, blank: false, code: false, markers, link: null }];
  }
  if (item.type === 'mention' || (item.type === undefined && item.mention !== undefined)) {
    return [mentionPiece(item, markers)];
  }
  const content = item.text?.content ?? item.plain_text ?? '';
  const link = item.text?.link?.url ?? null;
  if (a.code) {
    return [{ body: '', blank: false, code: true, codeText: content, markers, link }];
  }
  // Whitespace and non-whitespace runs become separate pieces so markers can avoid the edges.
  return (content.match(/\s+|\S+/g) ?? []).map((part) => ({
    body: escapeMarkdownText(part).replaceAll('\n', '<br>'),
    blank: /^\s+$/.test(part),
    code: false,
    markers,
    link,
  }));
}

function mentionPiece(item: RichTextItem, markers: Marker[]): Piece {
  const mention: MentionValue = item.mention ?? {};
  const plain = item.plain_text ?? '';
  const piece = (body: string, link: string | null = null): Piece => ({
    body,
    blank: false,
    code: false,
    markers,
    link,
  });
  const tag = (name: string, url: string, label: string) =>
    piece(`<${name} url="${escapeAttribute(url)}">${escapeMarkdownText(label)}</${name}>`);
  if (mention.user !== undefined) {
    return tag('mention-user', userUrl(mention.user.id), plain.replace(/^@/, ''));
  }
  if (mention.page !== undefined) return tag('mention-page', notionUrl(mention.page.id), plain);
  if (mention.database !== undefined) {
    return tag('mention-database', notionUrl(mention.database.id), plain);
  }
  if (mention.data_source !== undefined) {
    return tag('mention-data-source', notionUrl(mention.data_source.id), plain);
  }
  if (mention.date !== undefined) return piece(`<mention-date${dateAttributes(mention.date)}/>`);
  if (mention.custom_emoji !== undefined) {
    return piece(`:${mention.custom_emoji.name ?? plain.replaceAll(':', '')}:`);
  }
  const url = mention.link_preview?.url ?? mention.link_mention?.href ?? item.href ?? null;
  return piece(escapeMarkdownText(plain === '' ? (url ?? '') : plain), url);
}

function dateAttributes(date: NonNullable<MentionValue['date']>): string {
  const [startDay, startTime] = splitDateTime(date.start);
  const [endDay, endTime] = date.end ? splitDateTime(date.end) : [undefined, undefined];
  return renderAttributes({
    start: startDay,
    startTime,
    end: endDay,
    endTime,
    timeZone: date.time_zone ?? undefined,
  });
}

function splitDateTime(value: string): [string, string | undefined] {
  const match = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?/.exec(value);
  if (match === null) return [value, undefined];
  return [match[1] ?? value, match[2]];
}

function sameMarkers(a: readonly Marker[], b: readonly Marker[]): boolean {
  return (
    a.length === b.length && a.every((m, i) => m.kind === b[i]?.kind && m.color === b[i]?.color)
  );
}

function mergePieces(pieces: Piece[]): Piece[] {
  const merged: Piece[] = [];
  for (const piece of pieces) {
    const last = merged.at(-1);
    if (
      last?.code &&
      piece.code &&
      last.link === piece.link &&
      sameMarkers(last.markers, piece.markers)
    ) {
      last.codeText = (last.codeText ?? '') + (piece.codeText ?? '');
    } else {
      merged.push({ ...piece, markers: [...piece.markers] });
    }
  }
  for (const piece of merged) if (piece.code) piece.body = renderCodeSpan(piece.codeText ?? '');
  return merged;
}

/**
 * Emits markers only next to non-blank pieces: closers right after one, openers right before
 * the next, so that `*`, `**` and `~~` never touch whitespace on their inner side. Whitespace
 * between two pieces therefore takes the styles both sides keep.
 */
function renderStyled(group: Piece[]): string {
  const stack: Marker[] = [];
  let out = '';
  let blanks = '';
  for (const piece of group) {
    if (piece.blank) {
      blanks += piece.body;
      continue;
    }
    out += closeUnwanted(stack, piece.markers);
    out += blanks;
    blanks = '';
    for (const kind of MARKER_ORDER) {
      const wanted = piece.markers.find((t) => t.kind === kind);
      if (wanted !== undefined && !stack.some((m) => m.kind === kind)) {
        stack.push(wanted);
        out += openMarker(wanted);
      }
    }
    out += piece.body;
  }
  return out + closeUnwanted(stack, []) + blanks;
}

/** Pops (and renders closers for) every marker from the first one `target` does not keep. */
function closeUnwanted(stack: Marker[], target: readonly Marker[]): string {
  const inTarget = (m: Marker) => target.some((t) => t.kind === m.kind && t.color === m.color);
  let keep = 0;
  while (keep < stack.length && inTarget(stack[keep] as Marker)) keep += 1;
  const missingStar = target.some(
    (t) => STAR_KINDS.has(t.kind) && !stack.slice(0, keep).some((m) => m.kind === t.kind),
  );
  // A star opener right after an open star marker would read as its closer: reopen instead.
  while (missingStar && keep > 0 && STAR_KINDS.has((stack[keep - 1] as Marker).kind)) keep -= 1;
  let out = '';
  while (stack.length > keep) out += closeMarker(stack.pop() as Marker);
  return out;
}

function openMarker(marker: Marker): string {
  switch (marker.kind) {
    case 'bold':
      return '**';
    case 'italic':
      return '*';
    case 'strikethrough':
      return '~~';
    case 'underline':
      return '<span underline="true">';
    case 'color':
      return `<span color="${escapeAttribute(toMarkdownColor(marker.color ?? 'default'))}">`;
  }
}

function closeMarker(marker: Marker): string {
  switch (marker.kind) {
    case 'bold':
      return '**';
    case 'italic':
      return '*';
    case 'strikethrough':
      return '~~';
    default:
      return '</span>';
  }
}

/** A CommonMark code span whose fence is longer than any backtick run inside it. */
function renderCodeSpan(content: string): string {
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = content.startsWith('`') || content.endsWith('`') || /^ .*[^ ].* $/s.test(content);
  const inner = content.replaceAll('\n', '<br>');
  return pad ? `${fence} ${inner} ${fence}` : `${fence}${inner}${fence}`;
}
