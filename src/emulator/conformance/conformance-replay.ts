// Replays recorded Notion interactions against an emulator through the SDK's `client.request`
// and compares the response structure with the recorded one. Recorded ids are translated to
// emulator ids as objects get created: each response is walked in parallel with the recorded
// one and every differing id (and cursor) is learnt. Ids never seen in a response fall back to
// the emulator's root page (or, for recorded users, to an emulator user of the same type);
// ids a recorded 404 was about are left alone so the emulator can miss them too.

import { type Client, isHTTPResponseError } from '@notionhq/client';
import type { RecordedCassette, RecordedInteraction } from './conformance-cassettes.ts';
import { compareShapes, jsonType, type ShapeMismatch } from './shape-compare.ts';

/** What the replay needs to know about the emulator it talks to. */
export interface ReplayTarget {
  client: Client;
  rootPageId: string;
  personUserId: string;
  botUserId: string;
  /** HTTP status of the client's last response (the SDK returns only the body of a 2xx). */
  lastStatus?: () => number | undefined;
}

/** The outcome of one replayed interaction. */
export interface ReplayResult {
  interaction: RecordedInteraction;
  status: number;
  body: unknown;
  mismatches: ShapeMismatch[];
}

const UUID = /[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi;
const WHOLE_UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
/** A token the emulator must reject, for interactions recorded with a bad token (401). */
export const INVALID_TOKEN = 'ntn_conformance_invalid_token';

function dashed(id: string): string {
  const hex = id.replaceAll('-', '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Ids and types of every full user object in the recorded responses. */
export function collectRecordedUsers(cassettes: readonly RecordedCassette[]): Map<string, string> {
  const users = new Map<string, string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      if (
        record.object === 'user' &&
        typeof record.id === 'string' &&
        typeof record.type === 'string'
      ) {
        users.set(dashed(record.id), record.type);
      }
      Object.values(record).forEach(visit);
    }
  };
  for (const cassette of cassettes) for (const i of cassette.interactions) visit(i.responseBody);
  return users;
}

/** Translation table from recorded ids and cursors to the emulator's. */
export interface IdTranslator {
  /** Learns ids by walking a recorded response and the emulator's response side by side. */
  learn(recorded: unknown, actual: unknown): void;
  /** A recorded JSON value with every recorded id replaced by the emulator's. */
  rewrite<T>(value: T, keepUnknown: boolean): T;
  /** A recorded pagination cursor translated to the emulator's. */
  cursor(recorded: string): string;
}

/** Creates an empty translator with the fallbacks of `target` and the recorded user types. */
export function createIdTranslator(
  target: Omit<ReplayTarget, 'client'>,
  recordedUsers: ReadonlyMap<string, string>,
): IdTranslator {
  const ids = new Map<string, string>();
  const cursors = new Map<string, string>();
  const translateUuid = (found: string, keepUnknown: boolean): string => {
    const key = dashed(found);
    const known = ids.get(key);
    if (known !== undefined) return known;
    if (keepUnknown) return found;
    const userType = recordedUsers.get(key);
    const fallback =
      userType === undefined
        ? target.rootPageId
        : userType === 'bot'
          ? target.botUserId
          : target.personUserId;
    ids.set(key, fallback);
    return fallback;
  };
  const rewriteString = (value: string, keepUnknown: boolean): string =>
    ids.get(value) ?? value.replace(UUID, (found) => translateUuid(found, keepUnknown));
  const rewrite = (value: unknown, keepUnknown: boolean): unknown => {
    if (typeof value === 'string') return rewriteString(value, keepUnknown);
    if (Array.isArray(value)) return value.map((item) => rewrite(item, keepUnknown));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [
          key,
          key === 'start_cursor' && typeof item === 'string'
            ? (cursors.get(item) ?? item)
            : rewrite(item, keepUnknown),
        ]),
      );
    }
    return value;
  };
  const learn = (recorded: unknown, actual: unknown, key = ''): void => {
    if (key === 'request_id') return;
    if (typeof recorded === 'string' && typeof actual === 'string') {
      if (recorded === actual) return;
      if (key === 'next_cursor') cursors.set(recorded, actual);
      else if (WHOLE_UUID.test(recorded) && !ids.has(dashed(recorded)))
        ids.set(dashed(recorded), actual);
      else if (key === 'id' && !ids.has(recorded)) ids.set(recorded, actual);
      return;
    }
    if (Array.isArray(recorded) && Array.isArray(actual)) {
      if (recorded.length !== actual.length) return;
      for (const [i, item] of recorded.entries()) learn(item, actual[i], key);
      return;
    }
    if (jsonType(recorded) === 'object' && jsonType(actual) === 'object') {
      const a = actual as Record<string, unknown>;
      for (const [k, item] of Object.entries(recorded as Record<string, unknown>)) {
        if (k in a) learn(item, a[k], k);
      }
    }
  };
  return {
    learn: (recorded, actual) => learn(recorded, actual),
    rewrite: <T>(value: T, keepUnknown: boolean) => rewrite(value, keepUnknown) as T,
    cursor: (recorded) => cursors.get(recorded) ?? recorded,
  };
}

type Method = 'get' | 'post' | 'patch' | 'delete';

/** Sends the emulator the request equivalent to `interaction`; returns its status and body. */
export async function sendEquivalentRequest(
  target: ReplayTarget,
  interaction: RecordedInteraction,
  translator: IdTranslator,
): Promise<{ status: number; body: unknown }> {
  const keepUnknown = interaction.status === 404;
  const path = interaction.url.pathname
    .replace(/^\/v1\//, '')
    .split('/')
    .map((segment) => translator.rewrite(decodeURIComponent(segment), keepUnknown))
    .join('/');
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of interaction.url.searchParams) {
    const translated =
      key === 'start_cursor' ? translator.cursor(value) : translator.rewrite(value, keepUnknown);
    const previous = query[key];
    query[key] = previous === undefined ? translated : [...[previous].flat(), translated];
  }
  const body =
    interaction.requestBody === undefined
      ? undefined
      : translator.rewrite(interaction.requestBody, keepUnknown);
  try {
    const response = await target.client.request<object>({
      path,
      method: interaction.method.toLowerCase() as Method,
      query,
      ...(body === undefined || interaction.method === 'GET' ? {} : { body }),
      ...(interaction.status === 401 ? { auth: INVALID_TOKEN } : {}),
    });
    return { status: target.lastStatus?.() ?? 200, body: response };
  } catch (error) {
    if (!isHTTPResponseError(error)) throw error;
    let parsed: unknown = error.body;
    try {
      parsed = JSON.parse(error.body);
    } catch {
      // Non-JSON error bodies are compared as strings.
    }
    return { status: error.status, body: parsed };
  }
}

/** Replays the given interactions of one cassette in order against a fresh emulator. */
export async function replayInteractions(
  target: ReplayTarget,
  interactions: readonly RecordedInteraction[],
  recordedUsers: ReadonlyMap<string, string>,
): Promise<ReplayResult[]> {
  const translator = createIdTranslator(target, recordedUsers);
  const results: ReplayResult[] = [];
  for (const interaction of interactions) {
    const { status, body } = await sendEquivalentRequest(target, interaction, translator);
    if (status === interaction.status) translator.learn(interaction.responseBody, body);
    const mismatches =
      status === interaction.status
        ? compareShapes(interaction.responseBody, body)
        : [
            {
              path: '$status',
              expected: String(interaction.status),
              got: `${status} ${describeError(body)}`,
            },
          ];
    results.push({ interaction, status, body, mismatches });
  }
  return results;
}

function describeError(body: unknown): string {
  if (typeof body === 'object' && body !== null) {
    const { code, message } = body as { code?: unknown; message?: unknown };
    return `${String(code)}: ${String(message)}`;
  }
  return String(body).slice(0, 120);
}
