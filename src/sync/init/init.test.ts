// init against the emulator on SQLite and PostgreSQL. Invariants: a plan only reads; applying
// creates related databases (dependency order) with every declared property and records their
// ids in the store; applying again plans nothing; a declared rename keeps the property id and
// its values; a property added by hand in Notion is drift (a destructive step needing force).
import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../config/index.ts';
import { createEmulator } from '../../emulator/index.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPullHarness } from '../test-support/pull-harness.ts';
import { isPlanPending } from './init-types.ts';

const factories = storeFactories().filter((f) => f.name !== 'sqlite-file');

function declared(parent: string, teamsSchema?: SourceConfig['schema']): SourceConfig[] {
  return [
    {
      name: 'teams',
      parent,
      direction: 'both',
      schema: teamsSchema ?? {
        Name: 'title',
        Status: { type: 'select', options: ['active', 'on_hold', 'completed'] },
        Score: 'number',
        Members: { type: 'relation', source: 'people' },
      },
    },
    { name: 'people', parent, schema: { Name: 'title', Email: 'email' } },
  ];
}

async function setup(factory: (typeof factories)[number]) {
  const clock = createManualClock(Date.UTC(2026, 7, 8, 10));
  const emu = await createEmulator({ clock });
  const h = await createPullHarness(factory, emu, declared(emu.rootPageId), clock);
  const withSources = async (sources: SourceConfig[]) => ({
    engine: h.engineWith({ config: { sources } }),
  });
  const dataSource = async (id: string) =>
    (await emu.client().dataSources.retrieve({ data_source_id: id })) as unknown as {
      parent: { database_id: string };
      properties: Record<
        string,
        { id: string; type: string; relation?: { data_source_id: string } }
      >;
    };
  return { ...h, emu, clock, withSources, dataSource };
}

describe.each(factories)('init on $name', (factory) => {
  it('plans, creates two related databases, records them, and then has no changes', async () => {
    const f = await setup(factory);
    const planned = await f.engine.init(undefined, { plan: true });
    expect(planned.applied).toBe(false);
    expect(planned.plan.changes.map((s) => [s.kind, s.source])).toEqual([
      ['create_database', 'people'],
      ['create_database', 'teams'],
    ]);
    expect(await f.store.declared.list()).toEqual([]);

    const applied = await f.engine.init();
    expect(applied.applied).toBe(true);
    const people = (await f.store.declared.get('people'))!;
    const teams = (await f.store.declared.get('teams'))!;
    const ds = await f.dataSource(teams.dataSourceId);
    expect(Object.keys(ds.properties).sort()).toEqual(['Members', 'Name', 'Score', 'Status']);
    expect(ds.properties.Members!.relation!.data_source_id).toBe(people.dataSourceId);
    expect(ds.parent.database_id).toBe(teams.databaseId);
    expect(Object.keys((await f.dataSource(people.dataSourceId)).properties).sort()).toEqual([
      'Email',
      'Name',
    ]);
    const status = await f.engine.status();
    expect(status.find((s) => s.name === 'teams')!.declared!.dataSourceId).toBe(teams.dataSourceId);

    const again = await f.engine.init(undefined, { plan: true });
    expect(isPlanPending(again.plan)).toBe(false);
    // The created database is what pull reads: no `database:` in the config.
    const pulled = await f.engine.pull(['teams']);
    expect(pulled.ok).toBe(true);
  });

  it('renames a property declared with renamedFrom (same id, values kept)', async () => {
    const f = await setup(factory);
    await f.engine.init();
    const teams = (await f.store.declared.get('teams'))!;
    const scoreId = (await f.dataSource(teams.dataSourceId)).properties.Score!.id;
    const page = await f.emu.client().pages.create({
      parent: { data_source_id: teams.dataSourceId },
      properties: { Name: { title: [{ text: { content: 'A' } }] }, Score: { number: 7 } },
    });
    const renamed = await f.withSources(
      declared(f.emu.rootPageId, {
        Name: 'title',
        Status: { type: 'select', options: ['active', 'on_hold', 'completed'] },
        Points: { type: 'number', renamedFrom: 'Score' },
        Members: { type: 'relation', source: 'people' },
      }),
    );
    const plan = await renamed.engine.init(['teams'], { plan: true });
    expect(plan.plan.changes.map((s) => s.kind)).toEqual(['rename_property']);
    await renamed.engine.init(['teams']);
    const ds = await f.dataSource(teams.dataSourceId);
    expect(ds.properties.Points!.id).toBe(scoreId);
    expect(ds.properties.Score).toBeUndefined();
    const live = (await f.emu.client().pages.retrieve({ page_id: page.id })) as unknown as {
      properties: { Points: { number: number } };
    };
    expect(live.properties.Points.number).toBe(7);
    expect(isPlanPending((await renamed.engine.init(['teams'], { plan: true })).plan)).toBe(false);
  });

  it('reports a property added by hand as drift, removed only with force', async () => {
    const f = await setup(factory);
    await f.engine.init();
    const teams = (await f.store.declared.get('teams'))!;
    await f.emu.client().dataSources.update({
      data_source_id: teams.dataSourceId,
      properties: { Notes: { rich_text: {} } },
    } as never);
    const plan = await f.engine.init(['teams'], { plan: true });
    expect(isPlanPending(plan.plan)).toBe(true);
    expect(plan.plan.destructive.map((s) => [s.kind, s.property])).toEqual([
      ['remove_property', 'Notes'],
    ]);
    const kept = await f.engine.init(['teams']);
    expect(kept.skipped.map((s) => s.property)).toEqual(['Notes']);
    expect((await f.dataSource(teams.dataSourceId)).properties.Notes).toBeDefined();
    await f.engine.init(['teams'], { force: true });
    expect((await f.dataSource(teams.dataSourceId)).properties.Notes).toBeUndefined();
  });

  it('adds options and a property; the sync key property is never drift', async () => {
    const f = await setup(factory);
    await f.engine.init();
    await f.engine.records.create('teams', { Name: 'new team' });
    await f.engine.push(['teams']);
    const more = await f.withSources(
      declared(f.emu.rootPageId, {
        Name: 'title',
        Status: { type: 'select', options: ['active', 'on_hold', 'completed', 'archived'] },
        Score: { type: 'number', format: 'percent' },
        Members: { type: 'relation', source: 'people' },
        Due: 'date',
        Double: { type: 'formula', expression: 'prop("Score") * 2' },
      }),
    );
    const plan = await more.engine.init(['teams'], { plan: true });
    expect(plan.plan.changes.map((s) => s.kind).sort()).toEqual([
      'add_property',
      'add_property',
      'change_format',
      'change_options',
    ]);
    expect(plan.plan.destructive).toEqual([]);
    await more.engine.init(['teams']);
    expect(isPlanPending((await more.engine.init(['teams'], { plan: true })).plan)).toBe(false);
    const changed = await f.withSources(
      declared(f.emu.rootPageId, {
        Name: 'title',
        Status: { type: 'select', options: ['active', 'on_hold', 'completed', 'archived'] },
        Score: { type: 'number', format: 'percent' },
        Members: { type: 'relation', source: 'people' },
        Due: 'date',
        Double: { type: 'formula', expression: 'prop("Score") * 3' },
      }),
    );
    const formula = await changed.engine.init(['teams'], { plan: true });
    expect(formula.plan.changes.map((s) => s.kind)).toEqual(['change_expression']);
    await changed.engine.init(['teams']);
    expect(isPlanPending((await changed.engine.init(['teams'], { plan: true })).plan)).toBe(false);
  });

  it('a deleted database: pull names init, init creates it again, pull reads it, a relation to it is re-pointed with force', async () => {
    const f = await setup(factory);
    await f.engine.init();
    expect((await f.engine.pull(['people'])).ok).toBe(true);
    const old = (await f.store.declared.get('people'))!;
    // Deleted for good (trash emptied): every call answers 404.
    await f.emu.client().databases.update({ database_id: old.databaseId, in_trash: true } as never);
    f.emu.control.emptyTrash();
    const failed = await f.engine.pull(['people']);
    expect(failed.ok).toBe(false);
    expect(failed.sources[0]!.errors[0]!.message).toContain('notion-sync init people');
    const plan = await f.engine.init(['people'], { plan: true });
    expect(plan.plan.sources[0]).toMatchObject({
      state: 'gone',
      steps: [{ kind: 'create_database' }],
    });
    const applied = await f.engine.init(['people']);
    expect(applied.rebound).toEqual(['people']);
    const fresh = (await f.store.declared.get('people'))!;
    expect(fresh.dataSourceId).not.toBe(old.dataSourceId);
    expect((await f.engine.pull(['people'])).ok).toBe(true);
    // The old history is kept, detached (the rebind), not treated as deleted rows.
    const names = (await f.store.sources.list()).map((s) => s.name);
    expect(names.filter((n) => n.startsWith('people.detached-'))).toHaveLength(1);
    // The relation of teams still points at the deleted data source: drift, fixed with force.
    const drift = await f.engine.init(undefined, { plan: true });
    expect(drift.plan.destructive.map((s) => [s.source, s.kind, s.property])).toEqual([
      ['teams', 'change_relation', 'Members'],
    ]);
    await f.engine.init(undefined, { force: true });
    const teams = (await f.store.declared.get('teams'))!;
    expect(
      (await f.dataSource(teams.dataSourceId)).properties.Members!.relation!.data_source_id,
    ).toBe(fresh.dataSourceId);
    expect(isPlanPending((await f.engine.init(undefined, { plan: true })).plan)).toBe(false);
  });

  it('a database create whose answer is lost is adopted, never made twice', async () => {
    const f = await setup(factory);
    f.emu.control.setFaults([
      { method: 'POST', route: 'POST /v1/databases', applyThenFail: 504, count: 1 },
    ]);
    const applied = await f.engine.init(['people']);
    expect(applied.applied).toBe(true);
    const children = await f.emu.client().blocks.children.list({ block_id: f.emu.rootPageId });
    const made = (children.results as { type: string; id: string }[]).filter(
      (b) => b.type === 'child_database',
    );
    expect(made.map((b) => b.id)).toEqual([(await f.store.declared.get('people'))!.databaseId]);
    expect(isPlanPending((await f.engine.init(['people'], { plan: true })).plan)).toBe(false);
  });
});
