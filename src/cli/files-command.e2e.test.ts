// Files as a user handles them against a standalone emulator on a socket: `set … Attachment=
// ./local.pdf` + `push` puts the file on the page; `pull` keeps it beside the SQLite file;
// `files list`, `files get <page|hash> --out`, and `history` name it with its SHA-256.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PageObjectResponse } from '@notionhq/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type RunningServer } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { emulatorWorkspace } from './test-support.ts';

describe('files command', () => {
  let emu: Emulator;
  let server: RunningServer;
  let dsId: string;
  let pageId: string;

  beforeAll(async () => {
    emu = await createEmulator();
    dsId = await createDataSource(emu.client(), emu.rootPageId, {
      Name: { title: {} },
      Attachment: { files: {} },
    });
    [pageId] = emu.control.bulkCreatePages(dsId, [
      { Name: { title: [{ text: { content: 'invoice' } }] } },
    ]) as [string];
    server = await emu.listen({ port: 0 });
  });
  afterAll(() => server.close());

  it('pushes a local file, pulls it back, and gets it out by page and by hash', async () => {
    const { cwd, cli } = emulatorWorkspace(
      { token: emu.token, baseUrl: server.baseUrl },
      () => `store: ./copy.db\nsources:\n  - { name: docs, database: ${dsId}, direction: both }\n`,
    );
    const bytes = Buffer.from('%PDF-1.7 the local invoice');
    const hash = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(cwd, 'local.pdf'), bytes);

    expect((await cli(['pull'])).status).toBe(0);
    const missing = await cli(['set', 'docs', pageId, 'Attachment=./nope.pdf', '--json']);
    expect(missing.status).toBe(1);
    expect(JSON.parse(missing.stdout).error.code).toBe('value_invalid');
    expect((await cli(['set', 'docs', pageId, 'Attachment=./local.pdf'])).status).toBe(0);
    expect((await cli(['push'])).status).toBe(0);
    const page = (await emu.client().pages.retrieve({ page_id: pageId })) as PageObjectResponse;
    expect(page.properties.Attachment).toMatchObject({
      files: [{ name: 'local.pdf', type: 'file' }],
    });

    expect((await cli(['pull', '--full'])).status).toBe(0);
    const listed = JSON.parse((await cli(['files', 'list', pageId, '--json'])).stdout);
    expect(listed.files).toEqual([
      expect.objectContaining({ name: 'local.pdf', hash, state: 'stored' }),
    ]);
    const kept = readdirSync(join(cwd, 'notion-sync-files'), { recursive: true });
    expect(kept).toContain(join(hash.slice(0, 2), hash));

    const byPage = await cli(['files', 'get', pageId, '--out', 'out', '--json']);
    expect(byPage.status).toBe(0);
    const [written] = JSON.parse(byPage.stdout).files as { path: string }[];
    expect(readFileSync(written!.path).equals(bytes)).toBe(true);
    const byHash = await cli(['files', 'get', hash, '--out', 'by-hash']);
    expect(byHash.status).toBe(0);
    expect(readdirSync(join(cwd, 'by-hash'))).toEqual([`${hash.slice(0, 12)}-local.pdf`]);
    const unknown = await cli(['files', 'get', 'f'.repeat(64), '--json']);
    expect(unknown.status).toBe(1);
    expect(JSON.parse(unknown.stdout).error.code).toBe('file_not_found');

    const history = await cli(['history', pageId]);
    expect(history.stdout).toContain(`Attachment[0] local.pdf: sha256 ${hash}`);
  });
});
