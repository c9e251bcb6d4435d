import { hostedFileIdentity } from './file-refs.ts';
import { countMentions, plainTextOf, type RichTextLike } from './rich-text.ts';

/** `{ start, end, timeZone }` of a date value; `start` and `end` are Notion's ISO strings. */
export interface PlainDate {
  start: string;
  end: string | null;
  timeZone: string | null;
}

export interface PlainFile {
  name: string;
  url: string;
  /** A local file to keep (set by `set … Prop=./path`); replaced by `hash` at edit time. */
  path?: string;
  /** A local file kept in the file store, to upload on push (SHA-256); `url` is then empty. */
  hash?: string;
  /** The file upload to attach (set by push once the local file is uploaded). */
  fileUploadId?: string;
}

export interface PlainVerification {
  state: string;
  date: PlainDate | null;
  verifiedBy: string | null;
}

export interface PlainUniqueId {
  prefix: string | null;
  number: number | null;
}

export interface PlainPlace {
  lat: number;
  lon: number;
  name?: string | null;
  address?: string | null;
  [key: string]: unknown;
}

/** The canonical plain value of a property (see docs/property-codec.md). */
export type PlainValue =
  | string
  | number
  | boolean
  | null
  | string[]
  | PlainDate
  | PlainFile[]
  | PlainVerification
  | PlainUniqueId
  | PlainPlace
  | PlainValue[];

export type IncompleteReason = 'truncated' | 'rollup_incomplete' | 'rollup_over_truncated_relation';

export interface DecodedProperty {
  /** Property id (stable across renames). */
  id: string;
  type: string;
  value: PlainValue;
  /** The Notion value object exactly as received: nothing is lost. */
  raw: unknown;
  /** False for computed types (formula, rollup, created_*, last_edited_*, unique_id, button). */
  writable: boolean;
  /** False when Notion may have cut the value short; see `incompleteReason`. */
  complete: boolean;
  incompleteReason?: IncompleteReason;
}

/** Types Notion computes itself; never written. */
export const COMPUTED_TYPES: ReadonlySet<string> = new Set([
  'formula',
  'rollup',
  'created_time',
  'created_by',
  'last_edited_time',
  'last_edited_by',
  'unique_id',
  'button',
  'last_visited_time',
]);

/** Page objects show at most this many references per property (notion-api.md §4.5). */
export const PAGE_REFERENCE_LIMIT = 25;

type Obj = Record<string, unknown>;

const isObj = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export function decodeDate(value: unknown): PlainDate | null {
  if (!isObj(value) || typeof value.start !== 'string') return null;
  return { start: value.start, end: str(value.end), timeZone: str(value.time_zone) };
}

function idOf(value: unknown): string | null {
  return isObj(value) ? str(value.id) : null;
}

function decodeFiles(value: unknown): PlainFile[] {
  return list(value).map((item) => {
    const file = isObj(item) ? item : {};
    if (isObj(file.external))
      return { name: str(file.name) ?? '', url: str(file.external.url) ?? '' };
    const hosted = isObj(file.file) ? (str(file.file.url) ?? '') : '';
    // The signed query changes on every read; the file is the URL without it.
    return { name: str(file.name) ?? '', url: hostedFileIdentity(hosted) };
  });
}

function decodeSimple(type: string, inner: unknown): PlainValue {
  switch (type) {
    case 'title':
    case 'rich_text':
      return plainTextOf(list(inner) as RichTextLike[]);
    case 'number':
      return typeof inner === 'number' ? inner : null;
    case 'select':
    case 'status':
      return isObj(inner) ? str(inner.name) : null;
    case 'multi_select':
      return list(inner).map((option) => (isObj(option) ? (str(option.name) ?? '') : ''));
    case 'date':
      return decodeDate(inner);
    case 'people':
    case 'relation':
      return list(inner)
        .map(idOf)
        .filter((id): id is string => id !== null);
    case 'files':
      return decodeFiles(inner);
    case 'checkbox':
      return inner === true;
    case 'url':
    case 'email':
    case 'phone_number':
    case 'created_time':
    case 'last_edited_time':
    case 'last_visited_time':
      return str(inner);
    case 'created_by':
    case 'last_edited_by':
      return idOf(inner);
    case 'unique_id':
      return isObj(inner)
        ? {
            prefix: str(inner.prefix),
            number: typeof inner.number === 'number' ? inner.number : null,
          }
        : null;
    case 'place':
      return isObj(inner) && typeof inner.lat === 'number' && typeof inner.lon === 'number'
        ? ({ ...inner } as PlainPlace)
        : null;
    case 'verification':
      return isObj(inner)
        ? {
            state: str(inner.state) ?? 'unverified',
            date: decodeDate(inner.date),
            verifiedBy: idOf(inner.verified_by),
          }
        : null;
    case 'formula':
      return isObj(inner) && typeof inner.type === 'string'
        ? decodeSimple(inner.type, inner[inner.type])
        : null;
    case 'rollup':
      return decodeRollup(inner);
    case 'button':
      return null;
    default:
      return isObj(inner) || Array.isArray(inner) ? null : ((inner ?? null) as PlainValue);
  }
}

function decodeRollup(inner: unknown): PlainValue {
  if (!isObj(inner) || typeof inner.type !== 'string') return null;
  if (inner.type === 'array') {
    return list(inner.array).map((item) =>
      isObj(item) && typeof item.type === 'string'
        ? decodeSimple(item.type, item[item.type])
        : null,
    );
  }
  if (inner.type === 'incomplete' || inner.type === 'unsupported') return null;
  return decodeSimple(inner.type, inner[inner.type]);
}

function truncation(type: string, value: Obj): IncompleteReason | undefined {
  const inner = value[type];
  if (type === 'relation') {
    const hasMore = value.has_more;
    if (hasMore === true || (hasMore === undefined && list(inner).length >= PAGE_REFERENCE_LIMIT))
      return 'truncated';
  }
  if (type === 'people' && list(inner).length >= PAGE_REFERENCE_LIMIT) return 'truncated';
  if (
    (type === 'title' || type === 'rich_text') &&
    countMentions(list(inner) as RichTextLike[]) >= PAGE_REFERENCE_LIMIT
  )
    return 'truncated';
  if (type === 'rollup' && isObj(inner) && inner.type === 'incomplete') return 'rollup_incomplete';
  return undefined;
}

/** Decodes one Notion property value object (`{ id, type, <type>: … }`) into its plain value. */
export function decodeProperty(value: unknown): DecodedProperty {
  const obj = isObj(value) ? value : {};
  const type = str(obj.type) ?? 'unknown';
  const reason = truncation(type, obj);
  const decoded: DecodedProperty = {
    id: str(obj.id) ?? '',
    type,
    value: decodeSimple(type, obj[type]),
    raw: value,
    writable: !COMPUTED_TYPES.has(type) && type !== 'unknown',
    complete: reason === undefined,
  };
  if (reason) decoded.incompleteReason = reason;
  return decoded;
}

/**
 * Decodes every property of a page (`page.properties`), keyed by property name. When
 * `rollupRelations` maps a rollup's name to the name of the relation it rolls up, a rollup over
 * a possibly truncated relation is marked `rollup_over_truncated_relation`; without it, every
 * rollup of a page with a truncated relation is marked so.
 */
export function decodeProperties(
  properties: Record<string, unknown>,
  rollupRelations?: Record<string, string>,
): Record<string, DecodedProperty> {
  const out: Record<string, DecodedProperty> = {};
  for (const [name, value] of Object.entries(properties)) out[name] = decodeProperty(value);
  const truncatedRelations = new Set(
    Object.entries(out)
      .filter(([, p]) => p.type === 'relation' && !p.complete)
      .map(([name]) => name),
  );
  if (truncatedRelations.size === 0) return out;
  for (const [name, property] of Object.entries(out)) {
    if (property.type !== 'rollup' || !property.complete) continue;
    const relation = rollupRelations?.[name];
    if (relation === undefined || truncatedRelations.has(relation)) {
      property.complete = false;
      property.incompleteReason = 'rollup_over_truncated_relation';
    }
  }
  return out;
}
