// The "Done when" of the connect flow in Chromium, against the emulator on a socket and `serve`
// on another: console → Connect Notion → the emulator's consent page → pick two pages → Allow
// access → import step → pick a page tree and a database → the import finishes → both sources
// are in the store with rows and Markdown and the console shows them. Then the store file and
// every log line are searched for the tokens (none in plaintext), and a conflict is resolved
// with "take local" in the browser and written by the next push. Screenshots of the connect,
// import, sources and conflict pages go to docs/screenshots/ (shown in the README) when
// NOTION_SYNC_SCREENSHOTS=1.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmulator, type RunningServer } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { createNotionClient, createNotionOAuth } from '../../notion/index.ts';
import { createLogger } from '../../shared/index.ts';
import {
  type ChromiumSession,
  chromiumAvailable,
  launchChromium,
} from '../../shared/test-support/chromium.ts';
import { createStore, type Store } from '../../store/index.ts';
import { createServeService, type ServeService } from '../serve.ts';
import { testConfig } from '../test-support/serve-harness.ts';

// The README's pictures are refreshed only when asked (NOTION_SYNC_SCREENSHOTS=1), so a plain
// `npm test` leaves the tracked files alone; otherwise they go to a temporary directory.
const SHOTS =
  process.env.NOTION_SYNC_SCREENSHOTS === '1'
    ? resolve(import.meta.dirname, '../../../docs/screenshots')
    : mkdtempSync(join(tmpdir(), 'notion-sync-shots-'));
const API_TOKEN = 'operator-token-0123456789abcdef';
const title = (content: string) => ({ title: { title: [{ text: { content } }] } });

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

describe.skipIf(!chromiumAvailable())('connect, import and review in Chromium', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const close of cleanup.reverse()) await close();
  });

  it('connects, imports a page tree and a database, stores no token in plaintext, and resolves a conflict', async () => {
    const emu = await createEmulator();
    const notionServer: RunningServer = await emu.listen({ port: 0 });
    cleanup.push(() => notionServer.close());
    // The workspace: a wiki (page tree), a projects page holding a Tasks database, and a
    // database the operator syncs both ways with the env token (for the conflict).
    const notion = emu.client();
    const wiki = await notion.pages.create({
      parent: { page_id: emu.rootPageId },
      properties: title('Team Wiki'),
    });
    await notion.blocks.children.append({
      block_id: wiki.id,
      children: [
        {
          type: 'paragraph',
          paragraph: { rich_text: [{ type: 'text', text: { content: 'Welcome to the team' } }] },
        },
      ],
    });
    await notion.pages.create({ parent: { page_id: wiki.id }, properties: title('Onboarding') });
    const projects = await notion.pages.create({
      parent: { page_id: emu.rootPageId },
      properties: title('Projects'),
    });
    const tasks = await createDataSource(notion, projects.id, { Name: { title: {} } });
    emu.control.bulkCreatePages(tasks, [
      { Name: { title: [{ text: { content: 'Ship the connector' } }] } },
    ]);
    const budget = await createDataSource(notion, emu.rootPageId, {
      Name: { title: {} },
      N: { number: {} },
    });
    const [line] = emu.control.bulkCreatePages(budget, [
      { Name: { title: [{ text: { content: 'Travel' } }] }, N: { number: 1 } },
    ]);

    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/oauth/notion/callback`;
    const oauthClient = emu.control.oauth.registerClient({
      name: 'Acme app',
      redirectUris: [redirectUri],
    });
    const dir = mkdtempSync(join(tmpdir(), 'ns-console-e2e-'));
    const logLines: string[] = [];
    const logger = createLogger({
      level: 'trace',
      destination: new Writable({
        write(chunk, _enc, done) {
          logLines.push(String(chunk));
          done();
        },
      }),
    });
    const secretKey = randomBytes(32).toString('base64');
    const store: Store = await createStore({ url: join(dir, 'sync.db'), secretKey, logger });
    cleanup.push(() => store.close());
    const base = testConfig();
    const config = testConfig({
      store: join(dir, 'sync.db'),
      secretKey,
      notion: {
        ...base.notion,
        token: emu.token,
        baseUrl: notionServer.baseUrl,
        requestsPerSecond: 1000,
        burst: 1000,
      },
      oauth: {
        clientId: oauthClient.clientId,
        clientSecret: oauthClient.clientSecret,
        redirectUri,
      },
      server: { port, apiToken: API_TOKEN },
      sources: [{ name: 'budget', dataSource: budget, direction: 'both' }],
    });
    const service: ServeService = createServeService({
      config,
      store,
      logger,
      notion: createNotionClient({ token: emu.token, baseUrl: notionServer.baseUrl, logger }),
      oauth: createNotionOAuth({ ...oauthClient, redirectUri, baseUrl: notionServer.baseUrl }),
    });
    const { url } = await service.run();
    cleanup.push(() => service.stop());
    const browser: ChromiumSession = await launchChromium();
    cleanup.push(() => browser.close());
    mkdirSync(SHOTS, { recursive: true });
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1100, height: 760 });

    // Console → Connect Notion → the emulator's consent page: pick two pages, allow.
    await page.goto(url);
    await page.getByRole('link', { name: 'Connect Notion' }).click();
    await page.waitForURL((u) => u.toString().startsWith(notionServer.baseUrl));
    await page.getByLabel('Team Wiki', { exact: true }).check();
    await page.getByLabel('Projects', { exact: true }).check();
    await page.screenshot({ path: join(SHOTS, 'connect.png') });
    await Promise.all([
      page.waitForURL((u) => u.pathname.endsWith('/import')),
      page.getByRole('button', { name: 'Allow access' }).click(),
    ]);

    // The import step: pick the page tree and the database.
    await page.getByText('Team Wiki').first().waitFor();
    await page.locator(`input[value="page:${wiki.id}"]`).check();
    await page.locator(`input[value="data_source:${tasks}"]`).check();
    await page.screenshot({ path: join(SHOTS, 'import.png') });
    await page.getByRole('button', { name: 'Import selected' }).click();
    await page.getByText('Import finished.').waitFor({ timeout: 30_000 });

    const [installation] = (await service.engine.connections.list()).filter(
      (c) => c.kind === 'oauth',
    );
    expect(installation!.sources).toHaveLength(2);
    for (const name of installation!.sources) {
      const source = (await store.sources.getByName(name))!;
      expect((await store.records.count(source.id)).live).toBeGreaterThan(0);
    }
    const [wikiRecord] = await store.records.findByKey(wiki.id);
    expect((await store.history.listVersions(wikiRecord!.id)).at(-1)?.content).toContain(
      'Welcome to the team',
    );
    await page.goto(page.url().replace(/\/imports\/.*/, '/import'));
    for (const name of installation!.sources)
      await expect(page.getByText(name).count()).resolves.toBeGreaterThan(0);

    // No token in plaintext in the store file or any log line.
    const tokens = await store.connections.readTokens(installation!.id!);
    expect(tokens.accessToken && tokens.refreshToken).toBeTruthy();
    // Every file under the store's directory: the SQLite file, its WAL and the kept files.
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .map((f) => join(dir, f))
      .filter((f) => statSync(f).isFile())
      .map((f) => readFileSync(f));
    const logs = logLines.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [
      tokens.accessToken!,
      tokens.refreshToken!,
      oauthClient.clientSecret,
      emu.token,
    ]) {
      for (const file of files) expect(file.includes(secret)).toBe(false);
      expect(logs.includes(secret)).toBe(false);
    }

    // The operator: log out the app user, log in, see the sources.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel(/Operator token/).fill(API_TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.goto(`${url}/sources`);
    for (const name of installation!.sources) await page.getByText(name).first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'sources.png'), fullPage: true });

    // A two-sided edit becomes a conflict; the browser takes local; the next push writes it.
    const engine = service.engine;
    expect((await engine.pull(['budget'])).ok).toBe(true);
    await engine.records.update('budget', line!, { N: 10 });
    emu.control.editAsUser(line!, { N: { number: 20 } });
    expect((await engine.push(['budget'])).openConflicts).toBe(1);
    await page.goto(`${url}/conflicts`);
    await page.screenshot({ path: join(SHOTS, 'conflicts.png'), fullPage: true });
    await page.getByRole('button', { name: 'Take local' }).first().click();
    await page.getByText('No open conflicts.').waitFor();
    expect((await engine.push(['budget'])).openConflicts).toBe(0);
    const live = (await notion.pages.retrieve({ page_id: line! })) as unknown as {
      properties: { N: { number: number } };
    };
    expect(live.properties.N.number).toBe(10);
  }, 120_000);
});
