import { describe, expect, it } from 'vitest';
import { isCoveredInteraction, loadCassettes, routeOf } from './conformance-cassettes.ts';
import { collectRecordedUsers, createIdTranslator } from './conformance-replay.ts';

const cassettes = loadCassettes();
const all = cassettes.flatMap((c) => c.interactions);
const TARGET = {
  rootPageId: 'e0000000-0000-4000-8000-000000000001',
  personUserId: 'e0000000-0000-4000-8000-0000000000a1',
  botUserId: 'e0000000-0000-4000-8000-0000000000b1',
};

describe('loadCassettes', () => {
  it('reads every recorded interaction of the vendored 2025-09-03 cassettes', () => {
    expect(cassettes).toHaveLength(79);
    expect(all).toHaveLength(334);
    const first = cassettes[0]?.interactions[0];
    expect(first?.url.hostname).toBeTypeOf('string');
    expect(all.every((i) => Number.isInteger(i.status))).toBe(true);
  });

  it('covers the implemented endpoints and leaves out multipart uploads and third-party hosts', () => {
    const covered = all.filter(isCoveredInteraction);
    const routes = new Set(covered.map(routeOf));
    expect(routes).toContain('POST /v1/pages');
    expect(routes).toContain('GET /v1/pages/{id}/markdown');
    expect(routes).toContain('DELETE /v1/blocks/{id}');
    expect(routes).toContain('GET /v1/views/{id}');
    expect(routes).toContain('GET /v1/data_sources/{id}/templates');
    expect(routes).toContain('GET /v1/file_uploads/{id}');
    // Sending bytes is multipart/form-data, which a cassette replay cannot reproduce.
    expect([...routes].some((r) => r.endsWith('/send'))).toBe(false);
    expect(covered.some((i) => i.url.hostname !== 'api.notion.com')).toBe(false);
    expect(covered.length).toBeGreaterThan(320);
  });
});

describe('createIdTranslator', () => {
  it('learns created ids from responses and rewrites later requests with them', () => {
    const cassette = cassettes.find((c) => c.file === 'test_move_pages.yaml');
    const [create, , moving, move] = cassette?.interactions ?? [];
    const translator = createIdTranslator(TARGET, collectRecordedUsers(cassettes));
    const emulatorPage = {
      ...(create?.responseBody as object),
      id: 'e0000000-0000-4000-8000-00000000000c',
    };
    translator.learn(create?.responseBody, emulatorPage);
    translator.learn(moving?.responseBody, {
      ...(moving?.responseBody as object),
      id: 'e0000000-0000-4000-8000-00000000000d',
    });
    const movedId = (moving?.responseBody as { id: string } | undefined)?.id ?? '';
    expect(translator.rewrite(move?.url.pathname, false)).toBe(
      '/v1/pages/e0000000-0000-4000-8000-00000000000d/move',
    );
    expect(translator.rewrite(movedId.replaceAll('-', ''), false)).toBe(
      'e0000000-0000-4000-8000-00000000000d',
    );
  });

  it('sends unknown parents to the root page, recorded users to emulator users and keeps 404 ids', () => {
    const recordedUsers = collectRecordedUsers(cassettes);
    const bot = [...recordedUsers].find(([, type]) => type === 'bot')?.[0] ?? '';
    const person = [...recordedUsers].find(([, type]) => type === 'person')?.[0] ?? '';
    const translator = createIdTranslator(TARGET, recordedUsers);
    const body = {
      parent: { page_id: '393abc1eedcd80f3813be205934558c6' },
      people: [{ id: bot }, { id: person }],
    };
    expect(translator.rewrite(body, false)).toEqual({
      parent: { page_id: TARGET.rootPageId },
      people: [{ id: TARGET.botUserId }, { id: TARGET.personUserId }],
    });
    const missing = '00000000-0000-0000-0000-000000000000';
    expect(translator.rewrite(`/v1/pages/${missing}`, true)).toBe(`/v1/pages/${missing}`);
  });

  it('translates pagination cursors separately from block ids', () => {
    const translator = createIdTranslator(TARGET, new Map());
    translator.learn(
      {
        results: [{ id: '393abc1e-edcd-817b-900d-c75ec8d2f272' }],
        next_cursor: '393abc1e-edcd-817b-900d-c75ec8d2f272',
      },
      { results: [{ id: 'e0000000-0000-4000-8000-000000000002' }], next_cursor: 'opaque-cursor' },
    );
    expect(translator.cursor('393abc1e-edcd-817b-900d-c75ec8d2f272')).toBe('opaque-cursor');
    expect(
      translator.rewrite({ start_cursor: '393abc1e-edcd-817b-900d-c75ec8d2f272' }, false),
    ).toEqual({ start_cursor: 'opaque-cursor' });
  });
});
