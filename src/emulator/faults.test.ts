import { APIResponseError, Client, LogLevel } from '@notionhq/client';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from './index.ts';
import { rejectionOf } from './test-support.ts';

const title = (content: string) => ({ title: [{ text: { content } }] });

describe('fault injection', () => {
  let emu: Emulator;
  let notion: Client;

  beforeEach(async () => {
    emu = await createEmulator({ faultSeed: 7 });
    notion = new Client({
      auth: emu.token,
      fetch: emu.fetch,
      baseUrl: emu.baseUrl,
      retry: false,
      logLevel: LogLevel.ERROR,
    });
  });

  const titles = async () => {
    const children = await notion.blocks.children.list({ block_id: emu.rootPageId });
    return children.results.map((b) => ('child_page' in b ? b.child_page.title : ''));
  };

  it('applies the write, then answers 504 (the duplicate-create trap)', async () => {
    emu.control.setFaults([{ route: 'POST /v1/pages', applyThenFail: 504, count: 1 }]);
    const error = await rejectionOf(
      notion.pages.create({
        parent: { page_id: emu.rootPageId },
        properties: { title: title('once') },
      }),
    );
    expect((error as APIResponseError).code).toBe('gateway_timeout');
    expect(await titles()).toEqual(['once']);
  });

  it('applies the write, then drops the connection like undici', async () => {
    emu.control.setFaults([
      { method: 'POST', route: '/v1/pages', applyThenFail: 'reset', count: 1 },
    ]);
    const error = await rejectionOf(
      notion.pages.create({
        parent: { page_id: emu.rootPageId },
        properties: { title: title('reset') },
      }),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('fetch failed');
    expect(await titles()).toEqual(['reset']);
    const log = emu.control.requestLog();
    expect(log.find((e) => e.route === 'POST /v1/pages')).toMatchObject({
      status: 0,
      integrationId: emu.integrationId,
    });
  });

  it('fails before applying on a plain status or reset fault, and only `count` times', async () => {
    emu.control.setFaults([
      { route: 'POST /v1/pages', status: 500, count: 1 },
      { route: 'PATCH /v1/blocks', reset: true, count: 1 },
    ]);
    const error = await rejectionOf(
      notion.pages.create({
        parent: { page_id: emu.rootPageId },
        properties: { title: title('no') },
      }),
    );
    expect((error as APIResponseError).code).toBe('internal_server_error');
    expect(await titles()).toEqual([]);
    await notion.pages.create({
      parent: { page_id: emu.rootPageId },
      properties: { title: title('yes') },
    });
    expect(await titles()).toEqual(['yes']);
    const reset = await rejectionOf(
      notion.blocks.children.append({ block_id: emu.rootPageId, children: [] }),
    );
    expect(reset).toBeInstanceOf(TypeError);
  });

  it('matches a template exactly and a non-template route as a segment prefix; logs templates with {id}', async () => {
    const page = await notion.pages.create({
      parent: { page_id: emu.rootPageId },
      properties: { title: title('p') },
    });
    const target = await notion.pages.create({
      parent: { page_id: emu.rootPageId },
      properties: { title: title('t') },
    });
    emu.control.setFaults([
      { route: 'POST /v1/pages', status: 500 },
      { route: '/v1/data', status: 503 },
      { route: 'GET /v1/pages/{page_id}', status: 409 },
    ]);
    await expect(
      notion.pages.move({ page_id: page.id, parent: { page_id: target.id } }),
    ).resolves.toBeDefined();
    await expect(notion.search({})).resolves.toBeDefined();
    const conflict = await rejectionOf(notion.pages.retrieve({ page_id: page.id }));
    expect((conflict as APIResponseError).code).toBe('conflict_error');
    emu.control.setFaults([{ route: '/v1/data_sources/', status: 503 }]);
    const unavailable = await rejectionOf(
      notion.dataSources.query({ data_source_id: emu.rootPageId }),
    );
    expect((unavailable as APIResponseError).code).toBe('service_unavailable');
    const routes = emu.control.requestLog().map((entry) => entry.route);
    expect(routes).toContain('POST /v1/pages/{id}/move');
    expect(routes).toContain('GET /v1/pages/{id}');
    expect(routes.at(-1)).toBe('POST /v1/data_sources/{id}/query');
  });

  it('answers 502 like the edge proxy: HTML, not a Notion error body', async () => {
    emu.control.setFaults([{ route: 'GET /v1/users/me', status: 502, count: 1 }]);
    const error = await rejectionOf(notion.users.me({}));
    expect(error).not.toBeInstanceOf(APIResponseError);
    expect((error as { status?: number }).status).toBe(502);
  });

  it('draws probabilistic faults deterministically from the seed', async () => {
    const pattern = async (seed: number) => {
      const e = await createEmulator({
        faultSeed: seed,
        faults: [{ route: 'GET /v1/users/me', status: 503, probability: 0.5 }],
      });
      const client = new Client({
        auth: e.token,
        fetch: e.fetch,
        baseUrl: e.baseUrl,
        retry: false,
        logLevel: LogLevel.ERROR,
      });
      const outcomes: boolean[] = [];
      for (let i = 0; i < 24; i += 1)
        outcomes.push(
          await client.users.me({}).then(
            () => true,
            () => false,
          ),
        );
      return outcomes;
    };
    const first = await pattern(42);
    expect(await pattern(42)).toEqual(first);
    expect(first).toContain(true);
    expect(first).toContain(false);
  });
});
