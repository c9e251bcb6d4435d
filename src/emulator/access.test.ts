import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIResponseError, Client } from '@notionhq/client';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../shared/index.ts';
import { createEmulator, type Emulator } from './index.ts';
import { createDataSource, rejectionOf } from './test-support.ts';

const title = (content: string) => ({ title: [{ text: { content } }] });
const codeOf = async (promise: Promise<unknown>) =>
  ((await rejectionOf(promise)) as APIResponseError).code;

describe('versions, sharing, trash, clock and state', () => {
  let emu: Emulator;
  let notion: Client;
  let clock: ManualClock;
  const dirs: string[] = [];

  beforeEach(async () => {
    clock = createManualClock(Date.UTC(2026, 6, 4, 9, 8, 57, 778));
    emu = await createEmulator({ clock });
    notion = emu.client();
  });
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('shows archived only before 2026-03-11 and gates after/position on append', async () => {
    const old = emu.client({ notionVersion: '2025-09-03' });
    const page = await old.pages.create({
      parent: { page_id: emu.rootPageId },
      properties: { title: title('v') },
    });
    expect(page).toMatchObject({ archived: false, in_trash: false });
    expect('archived' in (await notion.pages.retrieve({ page_id: page.id }))).toBe(false);
    const p = (text: string) => ({ paragraph: { rich_text: [{ text: { content: text } }] } });
    const first = await old.blocks.children.append({
      block_id: page.id,
      children: [p('a'), p('c')],
    });
    await old.blocks.children.append({
      block_id: page.id,
      children: [p('b')],
      after: first.results[0]!.id,
    });
    await notion.blocks.children.append({
      block_id: page.id,
      children: [p('0')],
      position: { type: 'start' },
    });
    const list = await notion.blocks.children.list({ block_id: page.id });
    const texts = list.results.map((b) =>
      'paragraph' in b ? b.paragraph.rich_text[0]?.plain_text : '',
    );
    expect(texts).toEqual(['0', 'a', 'b', 'c']);
    expect(
      await codeOf(
        notion.blocks.children.append({
          block_id: page.id,
          children: [p('x')],
          after: first.results[0]!.id,
        }),
      ),
    ).toBe('validation_error');
    expect(await codeOf(notion.pages.update({ page_id: page.id, archived: true } as never))).toBe(
      'validation_error',
    );
    expect(
      await codeOf(
        notion.request({ path: `databases/${page.id}/query`, method: 'post', body: {} }),
      ),
    ).toBe('invalid_request_url');
  });

  it('keeps unshared objects invisible (404) and refuses bad or revoked tokens (401)', async () => {
    const other = emu.control.createIntegration('Other');
    const otherClient = emu.client({ token: other.token });
    const page = await notion.pages.create({
      parent: { page_id: emu.rootPageId },
      properties: { title: title('secret') },
    });
    const error = await rejectionOf(otherClient.pages.retrieve({ page_id: page.id }));
    expect((error as APIResponseError).code).toBe('object_not_found');
    expect((error as APIResponseError).message).toContain('"Other"');
    emu.control.share(emu.rootPageId, other.id);
    await expect(otherClient.pages.retrieve({ page_id: page.id })).resolves.toMatchObject({
      id: page.id,
    });
    expect((await otherClient.search({ query: 'secret' })).results).toHaveLength(1);
    emu.control.unshare(emu.rootPageId, other.id);
    expect(await codeOf(otherClient.pages.retrieve({ page_id: page.id }))).toBe('object_not_found');
    expect(await codeOf(emu.client({ token: 'ntn_not_a_token' }).users.me({}))).toBe(
      'unauthorized',
    );
    emu.control.revokeToken(other.token);
    expect(await codeOf(otherClient.users.me({}))).toBe('unauthorized');
  });

  it('hides trashed rows from queries and search, shows in_trash on retrieve, and 404s after emptyTrash', async () => {
    const dsId = await createDataSource(notion, emu.rootPageId, { Name: { title: {} } });
    const [keep, drop] = emu.control.bulkCreatePages(dsId, [
      { Name: title('keep me') },
      { Name: title('drop me') },
    ]);
    await notion.pages.update({ page_id: drop!, in_trash: true });
    const live = await notion.dataSources.query({ data_source_id: dsId });
    expect(live.results.map((r) => r.id)).toEqual([keep]);
    const trashed = await notion.dataSources.query({ data_source_id: dsId, in_trash: true });
    expect(trashed.results.map((r) => r.id)).toEqual([drop]);
    expect((await notion.search({ query: 'drop me' })).results).toHaveLength(0);
    expect(
      (
        await notion.search({
          query: 'drop me',
          filter: { property: 'object', value: 'page', in_trash: true } as never,
        })
      ).results,
    ).toHaveLength(1);
    expect(await notion.pages.retrieve({ page_id: drop! })).toMatchObject({ in_trash: true });
    await notion.blocks.delete({ block_id: keep! });
    await notion.pages.update({ page_id: keep!, in_trash: false });
    expect(emu.control.emptyTrash().deleted).toBe(1);
    expect(await codeOf(notion.pages.retrieve({ page_id: drop! }))).toBe('object_not_found');
    await expect(notion.pages.retrieve({ page_id: keep! })).resolves.toMatchObject({
      in_trash: false,
    });
  });

  it('rounds page times down to the minute, keeps database milliseconds, and records the editor', async () => {
    const page = await notion.pages.create({
      parent: { page_id: emu.rootPageId },
      properties: { title: title('t') },
    });
    expect(page).toMatchObject({ created_time: '2026-07-04T09:08:00.000Z' });
    await clock.advance(30_000);
    const db = await notion.databases.create({
      parent: { type: 'page_id', page_id: page.id },
      title: [],
    });
    expect(db).toMatchObject({ created_time: '2026-07-04T09:09:27.778+00:00' });
    emu.control.clock.advance(60_000);
    const updated = await notion.pages.update({
      page_id: page.id,
      properties: { title: title('t2') },
    });
    expect(updated).toMatchObject({
      created_time: '2026-07-04T09:08:00.000Z',
      last_edited_time: '2026-07-04T09:10:00.000Z',
    });
    const person = emu.control.createUser({ name: 'Ada', email: 'ada@example.com' });
    emu.control.editAsUser(page.id, { title: title('by Ada') }, person.id);
    expect(await notion.pages.retrieve({ page_id: page.id })).toMatchObject({
      last_edited_by: { id: person.id },
    });
  });

  it('saves and loads the whole workspace', async () => {
    const page = await notion.pages.create({
      parent: { page_id: emu.rootPageId },
      properties: { title: title('persisted') },
    });
    const dir = await mkdtemp(join(tmpdir(), 'emu-state-'));
    dirs.push(dir);
    await emu.control.saveState(join(dir, 'state.json'));
    const fresh = await createEmulator({ clock });
    await fresh.control.loadState(join(dir, 'state.json'));
    expect(fresh.token).toBe(emu.token);
    await expect(fresh.client().pages.retrieve({ page_id: page.id })).resolves.toMatchObject({
      id: page.id,
    });
    fresh.control.reset();
    expect(fresh.token).not.toBe(emu.token);
  });
});
