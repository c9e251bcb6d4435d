import { describe, expect, it } from 'vitest';
import { createEmulator } from '../emulator/index.ts';
import { createNotionClient } from './notion-client.ts';
import { snapshotPage } from './page-snapshot.ts';

describe('snapshotPage', () => {
  it('hashes the same for a re-read of an unchanged page and differently after an edit', async () => {
    const emulator = await createEmulator({ rateLimit: false });
    const client = createNotionClient({
      token: emulator.token,
      baseUrl: emulator.baseUrl,
      fetch: emulator.fetch,
    });
    const created = await client.pages.create({
      parent: { page_id: emulator.rootPageId },
      properties: { title: { title: [{ text: { content: 'Snap' } }] } },
    });
    const first = snapshotPage((await client.pages.retrieve({ page_id: created.id })) as never);
    const again = snapshotPage((await client.pages.retrieve({ page_id: created.id })) as never);
    expect(again.hash).toBe(first.hash);
    expect(first.fields).toStrictEqual({ title: 'Snap' });
    expect(first.inTrash).toBe(false);

    await client.pages.update({
      page_id: created.id,
      properties: {
        title: { title: [{ text: { content: 'Snap' }, annotations: { bold: true } }] },
      },
    });
    const bold = snapshotPage((await client.pages.retrieve({ page_id: created.id })) as never);
    // Formatting is a change even though the plain text is the same.
    expect(bold.fields).toStrictEqual(first.fields);
    expect(bold.hash).not.toBe(first.hash);
  });
});
