// Invariants: the schema snapshot follows Notion by property id — a rename keeps the history and
// moves the view column, an added property appears, a removed one stays in old versions, a type
// change is recorded — and nothing stored is rewritten; relations are stored complete (past
// Notion's 25-item truncation) as page ids of local rows; a source is never guessed (ambiguous
// databases, unknown ids) and never pulled by two runs at once.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { createManualClock } from '../shared/index.ts';
import { storeFactories } from '../store/test-support/store-factories.ts';
import { createPullHarness, type PullHarness } from './test-support/pull-harness.ts';

const title = (content: string) => ({ title: [{ text: { content } }] });

async function emulatorAt() {
  const clock = createManualClock(Date.UTC(2026, 4, 5, 7, 0, 0));
  const emu = await createEmulator({ clock });
  return { clock, emu, notion: emu.client() };
}

async function selectView(h: PullHarness, name: string): Promise<Record<string, unknown>[]> {
  const schema = h.testStore.schema;
  const table = schema ? sql.table(`${schema}.${name}`) : sql.table(name);
  const { rows } = await sql<
    Record<string, unknown>
  >`select * from ${table} order by _page_id`.execute(h.store.db);
  return rows;
}

describe.each(storeFactories())('sources on $name', (factory) => {
  it('follows schema drift without losing or rewriting history', async () => {
    const { clock, emu, notion } = await emulatorAt();
    const dsId = await createDataSource(notion, emu.rootPageId, {
      Name: { title: {} },
      Count: { number: {} },
      Note: { rich_text: {} },
      Flag: { checkbox: {} },
    });
    const [row] = emu.control.bulkCreatePages(dsId, [
      {
        Name: title('a'),
        Count: { number: 7 },
        Note: { rich_text: [{ text: { content: 'n' } }] },
        Flag: { checkbox: true },
      },
    ]);
    await clock.advance(10 * 60_000);
    const h = await createPullHarness(factory, emu, [{ name: 'drift', dataSource: dsId }], clock);
    await h.engine.pull();
    const [before] = await selectView(h, 'drift');
    // PostgreSQL hands numerics back as text.
    expect({ ...before, count: Number(before!.count) }).toMatchObject({
      name: 'a',
      count: 7,
      note: 'n',
    });

    await notion.dataSources.update({
      data_source_id: dsId,
      properties: {
        Count: { name: 'Amount' },
        Note: null,
        Extra: { number: {} },
        Flag: { rich_text: {} },
      },
    } as Parameters<typeof notion.dataSources.update>[0]);
    await clock.advance(60_000);
    emu.control.editAsUser(row!, { Extra: { number: 3 } });
    await clock.advance(60_000);
    const pulled = await h.engine.pull();
    expect(pulled.ok).toBe(true);
    const changes = pulled.sources[0]!.schemaChanges.map((c) => [
      c.change,
      c.before?.name ?? c.after?.name,
    ]);
    expect(changes).toEqual(
      expect.arrayContaining([
        ['renamed', 'Count'],
        ['removed', 'Note'],
        ['added', 'Extra'],
        ['type_changed', 'Flag'],
      ]),
    );
    const [viewRow] = await selectView(h, 'drift');
    expect([Number(viewRow!.amount), Number(viewRow!.extra)]).toEqual([7, 3]);
    expect(viewRow).not.toHaveProperty('count');
    expect(viewRow).not.toHaveProperty('note');

    const [history] = await h.engine.history(row!);
    const [first, last] = [history!.versions[0]!.version, history!.versions.at(-1)!.version];
    const noteId = Object.keys(first.fields).find((id) => first.fields[id] === 'n')!;
    expect(first.fields[noteId]).toBe('n');
    expect(history!.names[Object.keys(first.fields).find((id) => first.fields[id] === 7)!]).toBe(
      'Amount',
    );
    expect(last.fields).not.toHaveProperty(noteId);
    const status = await h.engine.status();
    expect(status[0]!.schemaChanges.map((c) => c.change)).toContain('type_changed');
  });

  it('stores a 40-target relation complete, as ids of local rows', async () => {
    const { clock, emu, notion } = await emulatorAt();
    const targets = await createDataSource(
      notion,
      emu.rootPageId,
      { Name: { title: {} } },
      'Targets',
    );
    const targetIds = emu.control.bulkCreatePages(
      targets,
      Array.from({ length: 40 }, (_, i) => ({ Name: title(`t${i}`) })),
    );
    const linksDs = await createDataSource(notion, emu.rootPageId, {
      Name: { title: {} },
      Links: { relation: { data_source_id: targets, single_property: {} } },
    });
    const [row] = emu.control.bulkCreatePages(linksDs, [
      { Name: title('many'), Links: { relation: targetIds.map((id) => ({ id })) } },
    ]);
    await clock.advance(10 * 60_000);
    const sources = [
      { name: 'targets', dataSource: targets },
      { name: 'links', dataSource: linksDs },
    ];
    const h = await createPullHarness(factory, emu, sources, clock);
    expect((await h.engine.pull()).ok).toBe(true);
    const links = (await h.store.sources.getByName('links'))!;
    const linksId = Object.values(links.schema.properties).find((p) => p.name === 'Links')!.id;
    const record = (await h.store.records.findByPageId(links.id, row!))!;
    const version = (await h.store.history.getVersionById(record.currentVersionId!))!;
    const stored = version.fields[linksId] as string[];
    expect(stored).toHaveLength(40);
    expect([...stored].sort()).toEqual([...targetIds].sort());
    const targetSource = (await h.store.sources.getByName('targets'))!;
    const local = await h.store.records.listPageIds(targetSource.id);
    expect(stored.every((id) => local.includes(id))).toBe(true);
  });

  it('refuses a database with several data sources unless one is named, and names unknown ones', async () => {
    const { clock, emu, notion } = await emulatorAt();
    const dsId = await createDataSource(notion, emu.rootPageId, { Name: { title: {} } });
    const ds = (await notion.dataSources.retrieve({ data_source_id: dsId })) as unknown as {
      parent: { database_id: string };
    };
    await notion.dataSources.create({
      parent: { type: 'database_id', database_id: ds.parent.database_id },
      properties: { Name: { title: {} } },
    } as Parameters<typeof notion.dataSources.create>[0]);
    const unknown = '0f0f0f0f-0f0f-40f0-8f0f-0f0f0f0f0f0f';
    const sources = [
      { name: 'both', database: ds.parent.database_id },
      { name: 'one', dataSource: dsId },
      { name: 'nowhere', database: unknown },
    ];
    const h = await createPullHarness(factory, emu, sources, clock);
    const result = await h.engine.pull();
    expect(result.sources.map((s) => [s.source, s.status, s.errors[0]?.code ?? null])).toEqual([
      ['both', 'failed', 'source_ambiguous'],
      ['one', 'ok', null],
      ['nowhere', 'failed', 'source_not_found'],
    ]);
    await expect(h.engine.pull(['nope'])).rejects.toMatchObject({ code: 'usage' });
  });

  it('refuses a second concurrent pull of the same source, also from another engine', async () => {
    const { clock, emu, notion } = await emulatorAt();
    const dsId = await createDataSource(notion, emu.rootPageId, { Name: { title: {} } });
    emu.control.bulkCreatePages(
      dsId,
      Array.from({ length: 300 }, (_, i) => ({ Name: title(`r${i}`) })),
    );
    await clock.advance(10 * 60_000);
    const h = await createPullHarness(factory, emu, [{ name: 'busy', dataSource: dsId }], clock);
    await h.engine.pull();
    // The second pull starts while the first one is committing its first batch; the first one's
    // later queries are slowed down so it certainly still runs when the second one asks.
    emu.control.setFaults([{ method: 'POST', route: '/v1/data_sources', latencyMs: 300 }]);
    const other = h.engineWith();
    let second: Promise<Awaited<ReturnType<typeof other.pull>>> | undefined;
    const first = await h.engine.pull(['busy'], {
      full: true,
      onProgress: (p) => {
        if (p.phase === 'rows') second ??= other.pull(['busy']);
      },
    });
    expect(first.sources[0]!.status).toBe('ok');
    const refused = (await second!).sources[0]!;
    expect(refused).toMatchObject({
      status: 'failed',
      errors: [expect.objectContaining({ code: 'source_busy' })],
    });
    expect((await h.engine.runs({ source: 'busy' })).filter((r) => r.status === 'running')).toEqual(
      [],
    );
  });
});
