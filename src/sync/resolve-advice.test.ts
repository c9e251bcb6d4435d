// Invariant: when a source cannot be read, the error says what is actually wrong. An id of the
// wrong kind (a page under `database:`, a database under `page:`) is a config error naming the
// right key; a base URL that is not Notion's (`invalid_request_url`) says the base URL is wrong.
// Neither is "not shared with your integration", and neither marks the source `access_lost`.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { createManualClock } from '../shared/index.ts';
import { storeFactories } from '../store/test-support/store-factories.ts';
import { createEngine } from './engine.ts';
import { createPullHarness, emulatorClient } from './test-support/pull-harness.ts';

const title = (content: string) => ({ title: [{ text: { content } }] });
const factory = storeFactories().find((f) => f.name === 'sqlite-memory')!;

async function setup() {
  const clock = createManualClock(Date.UTC(2026, 4, 5, 7, 0, 0));
  const emu = await createEmulator({ clock });
  const notion = emu.client();
  const dsId = await createDataSource(notion, emu.rootPageId, { Name: { title: {} } });
  const [rowId] = emu.control.bulkCreatePages(dsId, [{ Name: title('a row') }]);
  const page = await notion.pages.create({
    parent: { page_id: emu.rootPageId },
    properties: { title: { title: [{ text: { content: 'A plain page' } }] } },
  });
  const ds = (await notion.dataSources.retrieve({ data_source_id: dsId })) as unknown as {
    parent: { database_id: string };
  };
  return { clock, emu, dsId, rowId: rowId!, pageId: page.id, databaseId: ds.parent.database_id };
}

describe('advice when a source cannot be read', () => {
  it.each([
    [
      'a page given as database:',
      (s: Awaited<ReturnType<typeof setup>>) => ({ database: s.pageId }),
      'page:',
    ],
    [
      'a page given as dataSource:',
      (s: Awaited<ReturnType<typeof setup>>) => ({ dataSource: s.pageId }),
      'page:',
    ],
    [
      'a row given as database:',
      (s: Awaited<ReturnType<typeof setup>>) => ({ database: s.rowId }),
      'row',
    ],
    [
      'a database given as page:',
      (s: Awaited<ReturnType<typeof setup>>) => ({ page: s.databaseId }),
      'database:',
    ],
  ])('%s is a config error naming the right key', async (_label, key, hint) => {
    const s = await setup();
    const h = await createPullHarness(factory, s.emu, [{ name: 'src', ...key(s) }], s.clock);
    const result = await h.engine.pull();
    const [source] = result.sources;
    expect(source).toMatchObject({ status: 'failed', errors: [{ code: 'config_invalid' }] });
    expect(source!.errors[0]!.message).toContain(hint);
    expect(source!.errors[0]!.message).not.toMatch(/shared|Connections/);
  });

  it('a base URL answering invalid_request_url says so and keeps the source readable', async () => {
    const s = await setup();
    const h = await createPullHarness(
      factory,
      s.emu,
      [{ name: 'src', dataSource: s.dsId }],
      s.clock,
    );
    expect((await h.engine.pull()).ok).toBe(true);
    const wrong = createEngine({
      config: { sources: [{ name: 'src', dataSource: s.dsId }] },
      store: h.store,
      notion: emulatorClient({ ...s.emu, baseUrl: `${s.emu.baseUrl}/not-notion` }),
      clock: s.clock,
    });
    const [source] = (await wrong.pull()).sources;
    expect(source).toMatchObject({
      status: 'failed',
      errors: [{ code: 'notion_base_url_invalid' }],
    });
    expect(source!.errors[0]!.message).toContain('base URL');
    expect(source!.errors[0]!.message).not.toMatch(/shared|Connections/);
    expect((await h.store.sources.getByName('src'))!.accessState).toBe('ok');
  });
});
