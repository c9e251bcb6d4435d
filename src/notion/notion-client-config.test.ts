import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../config/index.ts';
import { createEmulator } from '../emulator/index.ts';
import { createNotionClient } from './notion-client.ts';
import { notionClientOptionsFromConfig } from './notion-client-config.ts';

const emptyDir = () => mkdtempSync(join(tmpdir(), 'notion-config-'));

describe('notionClientOptionsFromConfig', () => {
  it('builds a working client from NOTION_TOKEN, NOTION_BASE_URL and the pacing keys', async () => {
    const emulator = await createEmulator({ rateLimit: false });
    const { config } = readConfig({
      cwd: emptyDir(),
      env: {
        NOTION_TOKEN: emulator.token,
        NOTION_BASE_URL: emulator.baseUrl,
        NOTION_SYNC_RPS: '7',
      },
    });
    const options = notionClientOptionsFromConfig(config, { fetch: emulator.fetch });
    expect(options.pacing).toStrictEqual({ requestsPerSecond: 7, burst: 5, maxInFlight: 3 });
    expect(options.notionVersion).toBe('2026-03-11');
    const client = createNotionClient(options);
    expect((await client.users.me()).object).toBe('user');
  });

  it('says where the token comes from when it is missing', () => {
    const { config } = readConfig({ cwd: emptyDir(), env: {} });
    expect(() => notionClientOptionsFromConfig(config)).toThrow(
      expect.objectContaining({ code: 'notion_unauthorized' }),
    );
  });
});
