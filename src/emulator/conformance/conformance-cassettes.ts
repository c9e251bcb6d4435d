// Recorded real Notion traffic (vcrpy cassettes from ramnes/notion-sdk-py, vendored under
// test/fixtures/notion/) as plain request/response records, and which of them the emulator is
// expected to answer (the endpoints of issue 3).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The vendored 2025-09-03 cassettes, relative to this file. */
export const CASSETTE_DIR = new URL(
  '../../../test/fixtures/notion/ramnes-notion-sdk-py/v2025-09-03/',
  import.meta.url,
).pathname;

/** One recorded request and its response. */
export interface RecordedInteraction {
  file: string;
  /** Position of the interaction in its cassette (0-based). */
  index: number;
  method: string;
  url: URL;
  /** Parsed JSON request body; undefined when the request had none. */
  requestBody: Record<string, unknown> | undefined;
  status: number;
  /** Parsed JSON response body (a string when it was not JSON). */
  responseBody: unknown;
}

/** A cassette: the interactions of one recorded test, in order. */
export interface RecordedCassette {
  file: string;
  interactions: RecordedInteraction[];
}

interface VcrInteraction {
  request: { method: string; uri: string; body?: string | null };
  response: { status: { code: number }; body: { string: string } };
}

function parseJson(text: string | null | undefined): unknown {
  if (text === undefined || text === null || text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Loads every `*.yaml` cassette of `directory`, sorted by file name. */
export function loadCassettes(directory: string = CASSETTE_DIR): RecordedCassette[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const document = parse(readFileSync(join(directory, file), 'utf8')) as {
        interactions: VcrInteraction[];
      };
      const interactions = document.interactions.map((raw, index) => {
        const body = parseJson(raw.request.body);
        return {
          file,
          index,
          method: raw.request.method.toUpperCase(),
          url: new URL(raw.request.uri),
          requestBody:
            typeof body === 'object' && body !== null
              ? (body as Record<string, unknown>)
              : undefined,
          status: raw.response.status.code,
          responseBody: parseJson(raw.response.body.string),
        };
      });
      return { file, interactions };
    });
}

const UUID_SEGMENT =
  /^[0-9a-f]{32}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `METHOD /v1/pages/{id}` — the route of an interaction with ids replaced by `{id}`. */
export function routeOf(interaction: Pick<RecordedInteraction, 'method' | 'url'>): string {
  const path = interaction.url.pathname
    .split('/')
    .map((segment) => (UUID_SEGMENT.test(segment) ? '{id}' : segment))
    .join('/');
  return `${interaction.method} ${path}`;
}

/** Routes the emulator implements (issue 3 §4), plus the unknown-URL and bad-token errors. */
const COVERED_ROUTES: readonly RegExp[] = [
  /^POST \/v1\/pages$/,
  /^(GET|PATCH) \/v1\/pages\/\{id\}$/,
  /^POST \/v1\/pages\/\{id\}\/move$/,
  /^GET \/v1\/pages\/\{id\}\/properties\/[^/]+$/,
  /^(GET|PATCH) \/v1\/pages\/\{id\}\/markdown$/,
  /^POST \/v1\/databases$/,
  /^(GET|PATCH) \/v1\/databases\/\{id\}$/,
  /^POST \/v1\/data_sources$/,
  /^(GET|PATCH) \/v1\/data_sources\/\{id\}$/,
  /^POST \/v1\/data_sources\/\{id\}\/query$/,
  /^(GET|PATCH|DELETE) \/v1\/blocks\/\{id\}$/,
  /^(GET|PATCH) \/v1\/blocks\/\{id\}\/children$/,
  /^POST \/v1\/search$/,
  /^GET \/v1\/users(\/me|\/\{id\})?$/,
  /^(GET|POST) \/v1\/comments$/,
  /^(GET|PATCH|DELETE) \/v1\/comments\/\{id\}$/,
  /^GET \/v1\/invalid$/,
  /^GET \/v1\/data_sources\/\{id\}\/templates$/,
  /^(GET|POST) \/v1\/views$/,
  /^(GET|PATCH|DELETE) \/v1\/views\/\{id\}$/,
  /^POST \/v1\/views\/\{id\}\/queries$/,
  /^(GET|DELETE) \/v1\/views\/\{id\}\/queries\/\{id\}$/,
  /^GET \/v1\/custom_emojis$/,
  /^GET \/v1\/async_tasks\/\{id\}$/,
  /^(GET|POST) \/v1\/file_uploads$/,
  /^GET \/v1\/file_uploads\/\{id\}$/,
  /^POST \/v1\/file_uploads\/\{id\}\/complete$/,
];

/**
 * Whether the emulator is expected to answer this interaction: an implemented endpoint on
 * api.notion.com (file uploads, views, templates, custom emojis, async-task polling and
 * third-party hosts are out of scope; sending file bytes is multipart, which the replay cannot
 * reproduce from a cassette).
 */
export function isCoveredInteraction(interaction: RecordedInteraction): boolean {
  if (interaction.url.hostname !== 'api.notion.com') return false;
  const route = routeOf(interaction);
  return COVERED_ROUTES.some((pattern) => pattern.test(route));
}
