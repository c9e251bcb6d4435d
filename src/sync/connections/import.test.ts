// Invariants of the page-picker import: browse lists what the installation can see (pages and
// data sources, not database rows) with parent paths; each pick becomes a source of that
// connection, pulled at once with trigger `import`, its pages stored with Markdown; imported
// sources are pulled again by later pulls like configured ones; listeners hear every import; a
// token that expires mid-import is refreshed once and the import completes; bad picks and
// unknown connections fail before any run. Runs on every dialect.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { isNotionSyncError } from '../../errors.ts';
import { createManualClock } from '../../shared/index.ts';
import { type StoreFactory, storeFactories } from '../../store/test-support/store-factories.ts';
import type { ImportResult } from './import.ts';
import { engineOver, installOAuth, KEY, LIFETIME_MS, pageTree, title } from './test-support.ts';

const paragraph = (text: string) => ({
  object: 'block' as const,
  type: 'paragraph' as const,
  paragraph: { rich_text: [{ type: 'text' as const, text: { content: text } }] },
});

async function workspace(factory: StoreFactory) {
  const clock = createManualClock(Date.UTC(2026, 6, 1, 9));
  const emu = await createEmulator({ clock, oauth: { accessTokenLifetimeMs: LIFETIME_MS } });
  const { store } = await factory.create({ clock, secretKey: KEY });
  const wiki = await pageTree(emu, 'Team Wiki', 2);
  await emu
    .client()
    .blocks.children.append({ block_id: wiki, children: [paragraph('Welcome aboard')] });
  const projects = (
    await emu
      .client()
      .pages.create({ parent: { page_id: emu.rootPageId }, properties: title('Projects') })
  ).id;
  const tasks = await createDataSource(emu.client(), projects, { Name: { title: {} } });
  emu.control.bulkCreatePages(tasks, [
    { Name: { title: [{ text: { content: 'Ship it' } }] } },
    { Name: { title: [{ text: { content: 'Test it' } }] } },
  ]);
  const hidden = await pageTree(emu, 'Not shared', 0);
  const installed = await installOAuth(emu, store, clock, [wiki, projects]);
  const { engine } = engineOver(emu, store, clock, [], { oauth: installed.oauth });
  return { clock, emu, store, engine, wiki, tasks, hidden, ...installed };
}

describe.each(storeFactories())('import on $name', (factory) => {
  it('browses what the installation sees and imports a page tree and a database with Markdown', async () => {
    const w = await workspace(factory);
    const seen = await w.engine.connections.browse(w.info.name);
    const ids = seen.map((p) => p.id);
    expect(ids).toContain(w.wiki);
    expect(ids).toContain(w.tasks);
    expect(ids).not.toContain(w.hidden);
    expect(seen.filter((p) => p.title === 'Ship it')).toEqual([]);
    expect(seen.find((p) => p.id === w.tasks)).toMatchObject({
      kind: 'data_source',
      path: ['Projects'],
    });

    const heard: ImportResult[] = [];
    w.engine.onImportFinished((r) => heard.push(r));
    const phases: string[] = [];
    const result = await w.engine.import(
      w.info.name,
      [
        { id: w.wiki, kind: 'page', title: 'Team Wiki' },
        { id: w.tasks, kind: 'data_source', title: 'Tasks' },
      ],
      { onProgress: (p) => phases.push(p.phase) },
    );
    expect(result.ok).toBe(true);
    expect(heard).toEqual([result]);
    expect(phases).toContain('done');
    const names = result.sources.map((s) => s.source);
    expect(names).toEqual([
      `team-wiki-${w.wiki.replace(/-/g, '').slice(0, 8)}`,
      expect.stringMatching(/^tasks-/),
    ]);
    const [wikiSource, tasksSource] = await Promise.all(
      names.map((n) => w.store.sources.getByName(n)),
    );
    expect(wikiSource).toMatchObject({ connectionId: w.info.id, kind: 'page' });
    expect(await w.store.records.count(wikiSource!.id)).toEqual({ live: 3, tombstoned: 0 });
    expect(await w.store.records.count(tasksSource!.id)).toEqual({ live: 2, tombstoned: 0 });
    const [root] = await w.store.records.findByKey(w.wiki);
    const version = (await w.store.history.listVersions(root!.id)).at(-1);
    expect(version?.content).toContain('Welcome aboard');
    expect(version?.trigger).toBe('import');
    expect((await w.store.runs.list({ limit: 10 })).every((r) => r.trigger === 'import')).toBe(
      true,
    );

    // Imported sources are sources like any other: a later pull and status include them.
    const sorted = [...names].sort();
    expect((await w.engine.pull()).sources.map((s) => s.source).sort()).toEqual(sorted);
    expect((await w.engine.status()).map((s) => s.name).sort()).toEqual(sorted);
    expect((await w.engine.connections.get(w.info.name)).sources.sort()).toEqual(sorted);
  });

  it('refreshes a token that expires mid-import once, and the import completes', async () => {
    const w = await workspace(factory);
    let expired = false;
    const result = await w.engine.import(
      w.info.name,
      [
        { id: w.wiki, kind: 'page' },
        { id: w.tasks, kind: 'data_source' },
      ],
      {
        onProgress: () => {
          if (expired) return;
          expired = true;
          void w.clock.advance(LIFETIME_MS + 1);
        },
      },
    );
    expect(expired).toBe(true);
    expect(result.ok).toBe(true);
    expect((await w.store.connections.readTokens(w.info.id!)).refreshToken).not.toBe(
      w.grant.refreshToken,
    );
    expect((await w.engine.connections.get(w.info.name)).status).toBe('active');
  });

  it('refuses bad picks and unknown connections before any run', async () => {
    const w = await workspace(factory);
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (isNotionSyncError(e) ? e.code : e),
      );
    expect(await code(w.engine.import(w.info.name, []))).toBe('value_invalid');
    expect(await code(w.engine.import(w.info.name, [{ id: 'nope', kind: 'page' }]))).toBe(
      'value_invalid',
    );
    expect(await code(w.engine.import('oauth-nobody', [{ id: w.wiki, kind: 'page' }]))).toBe(
      'connection_not_found',
    );
    expect(await code(w.engine.import('default', [{ id: w.wiki, kind: 'page' }]))).toBe('usage');
    expect(await w.store.runs.list({ limit: 5 })).toEqual([]);
  });
});
