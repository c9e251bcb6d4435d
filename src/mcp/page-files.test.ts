// get_page names the files a page refers to — where, name, SHA-256 of the kept bytes — so an
// agent can find them without a Notion call (the signed links in Notion's values expire); an
// agent's staged edit cannot name a local file.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../config/index.ts';
import { createEmulator } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { storeFactories } from '../store/test-support/store-factories.ts';
import { createMcpHarness, dataOf, errorCodeOf } from './test-support/mcp-harness.ts';

describe.each(storeFactories().filter((f) => f.name === 'sqlite-file'))(
  'get_page files on $name',
  (factory) => {
    it('returns the file references of the page with their hashes', async () => {
      const emu = await createEmulator();
      const notion = emu.client();
      const dsId = await createDataSource(notion, emu.rootPageId, {
        Name: { title: {} },
        Receipt: { files: {} },
      });
      const upload = await notion.fileUploads.create({ mode: 'single_part', filename: 'r.pdf' });
      await notion.fileUploads.send({
        file_upload_id: upload.id,
        file: { filename: 'r.pdf', data: 'receipt bytes' },
      });
      const [pageId] = emu.control.bulkCreatePages(dsId, [
        {
          Name: { title: [{ text: { content: 'lunch' } }] },
          Receipt: { files: [{ type: 'file_upload', file_upload: { id: upload.id } }] },
        },
      ]);
      const h = await createMcpHarness(factory, emu, [
        { name: 'receipts', dataSource: dsId, direction: 'both' },
      ] as SourceConfig[]);
      try {
        const result = await h.call('get_page', { page: pageId! });
        const hash = createHash('sha256').update('receipt bytes').digest('hex');
        expect(dataOf<{ files: unknown[] }>(result).files).toEqual([
          { place: 'Receipt[0]', name: 'r.pdf', hash, state: 'stored' },
        ]);
        const text = (result.content as { type: string; text: string }[])[0]!.text;
        expect(text).toContain(`files: Receipt[0] r.pdf sha256:${hash}`);

        // An agent cannot attach a file of the machine that approves its edit.
        const staged = await h.call('stage_edit', {
          source: 'receipts',
          row: pageId!,
          values: { Receipt: '/etc/hostname' },
        });
        expect(errorCodeOf(staged)).toBe('value_invalid');
        expect(await h.store.staged.list({})).toEqual([]);
      } finally {
        await h.close();
      }
    });
  },
);
