import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, readConfig } from './load-config.ts';
import { renderConfigReference, renderJsonSchema } from './schema.ts';

function dirWith(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ns-config-'));
  writeFileSync(join(dir, name), text);
  return dir;
}

const DB = '0123456789abcdef0123456789abcdef';

describe('loadConfig', () => {
  it('uses the defaults when there is no file', () => {
    const result = loadConfig({ cwd: mkdtempSync(join(tmpdir(), 'ns-empty-')) });
    expect(result.errors).toEqual([]);
    expect(result.file).toBeUndefined();
    expect(result.config?.store).toBe('./notion-sync.db');
    expect(result.config?.notion.version).toBe('2026-03-11');
    expect(result.config?.sources).toEqual([]);
  });

  it("reads token connections, a source's connection and the OAuth keys; refuses clashing names", () => {
    const good = dirWith(
      'notion-sync.config.yaml',
      [
        'oauth: { clientId: abc, redirectUri: "https://sync.example.com/oauth/notion/callback" }',
        'connections: [{ name: acme, tokenEnv: ACME_NOTION_TOKEN }]',
        `sources: [{ name: a, database: ${DB}, connection: acme }]`,
      ].join('\n'),
    );
    const loaded = loadConfig({ cwd: good, env: { NOTION_OAUTH_CLIENT_SECRET: 'shh-secret' } });
    expect(loaded.errors).toEqual([]);
    expect(loaded.config?.connections).toEqual([{ name: 'acme', tokenEnv: 'ACME_NOTION_TOKEN' }]);
    expect(loaded.config?.sources[0]?.connection).toBe('acme');
    expect(loaded.config?.oauth).toMatchObject({ clientId: 'abc', clientSecret: 'shh-secret' });

    const bad = dirWith(
      'notion-sync.config.yaml',
      [
        'connections:',
        '  - { name: acme, tokenEnv: ACME_NOTION_TOKEN }',
        '  - { name: acme, tokenEnv: OTHER }',
        '  - { name: default, tokenEnv: lower-case }',
        '  - { name: oauth, tokenEnv: OAUTH_TOKEN }',
        '  - { name: oauth-bot, tokenEnv: BOT_TOKEN }',
      ].join('\n'),
    );
    const { errors } = loadConfig({ cwd: bad });
    expect(errors.map((e) => e.path).sort()).toEqual([
      'connections[1].name',
      'connections[2].name',
      'connections[2].tokenEnv',
      'connections[3].name',
      'connections[4].name',
    ]);
    expect(errors.find((e) => e.path === 'connections[3].name')?.message).toContain('reserved');
  });

  it('reports every problem at once, each with its key path and line', () => {
    const cwd = dirWith(
      'notion-sync.config.yaml',
      [
        'notion:',
        '  baseUrl: nope',
        'sources:',
        `  - { name: a, database: ${DB} }`,
        `  - { name: b, databse: ${DB} }`,
        '  - { name: c, database: not-an-id }',
      ].join('\n'),
    );
    const { errors, config } = loadConfig({ cwd });
    expect(config).toBeUndefined();
    expect(errors.map((e) => e.path)).toEqual([
      'notion.baseUrl',
      'sources[1].databse',
      'sources[1]',
      'sources[2].database',
    ]);
    expect(errors[1]?.message).toContain("did you mean 'database'");
    expect(errors[3]?.message).toContain('not a Notion ID or URL');
    expect(errors[0]?.line).toBe(2);
    expect(errors[3]?.line).toBe(6);
  });

  it('refuses a secret in the file and names the env var to use', () => {
    const cwd = dirWith('notion-sync.config.yaml', 'notion:\n  token: ntn_x\n');
    const { errors } = loadConfig({ cwd });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'notion.token' });
    expect(errors[0]?.message).toContain('NOTION_TOKEN');
    expect(errors[0]?.message).not.toContain('ntn_x');
  });

  it('layers file < environment < flags and validates overrides', () => {
    const cwd = dirWith('notion-sync.config.json', JSON.stringify({ store: 'file.db' }));
    const fromEnv = readConfig({ cwd, env: { NOTION_SYNC_STORE: 'env.db', NOTION_TOKEN: 't' } });
    expect(fromEnv.config.store).toBe('env.db');
    expect(fromEnv.config.notion.token).toBe('t');
    const fromFlag = readConfig({
      cwd,
      env: { NOTION_SYNC_STORE: 'env.db' },
      flags: { store: 'flag.db' },
    });
    expect(fromFlag.config.store).toBe('flag.db');
    const bad = loadConfig({ cwd, env: { NOTION_SYNC_RPS: 'fast', NOTION_BASE_URL: 'x' } });
    expect(bad.errors.map((e) => e.path).sort()).toEqual(['NOTION_BASE_URL', 'NOTION_SYNC_RPS']);
  });

  it('accepts database URLs and ids and rejects two targets in one source', () => {
    const cwd = dirWith(
      'notion-sync.config.yaml',
      [
        'sources:',
        `  - name: tasks`,
        `    database: https://www.notion.so/acme/Tasks-${DB}?v=aaaa`,
        `  - name: both`,
        `    database: ${DB}`,
        `    page: ${DB}`,
        `  - name: tasks`,
        `    dataSource: ${DB}`,
      ].join('\n'),
    );
    const { errors } = loadConfig({ cwd });
    expect(errors.map((e) => e.path)).toEqual(['sources[1]', 'sources[2].name']);
  });

  it('takes a folder target on a database or a page tree, and refuses what it cannot do', () => {
    const cwd = dirWith(
      'notion-sync.config.yaml',
      [
        'sources:',
        '  - name: wiki',
        `    page: ${DB}`,
        '    target: { folder: ./wiki }',
        '  - name: tasks',
        `    database: ${DB}`,
        '    direction: both',
        '    target: { folder: ./tasks, layout: flat, rename: true, onLocalDelete: keep }',
        '  - name: pushedWiki',
        `    page: ${DB}`,
        '    direction: both',
        '    target: { folder: ./wiki2 }',
        '  - name: wikiWithoutFolder',
        `    page: ${DB}`,
        '    direction: both',
        '  - name: mixed',
        `    database: ${DB}`,
        '    direction: both',
        '    target: { folder: ./x, table: x, key: id }',
      ].join('\n'),
    );
    const { errors, config } = loadConfig({ cwd });
    expect(errors.map((e) => e.path)).toEqual([
      'sources[3].direction',
      'sources[4].target.table',
      'sources[4].target.key',
    ]);
    expect(errors[1]?.message).toMatch(/belongs to a table target/);
    expect(config).toBeUndefined();
  });

  it('throws config_unreadable with line and column for malformed files', () => {
    const yamlDir = dirWith('notion-sync.config.yaml', 'a: [1,\nb: 2\n');
    expect(() => loadConfig({ cwd: yamlDir })).toThrow(
      expect.objectContaining({
        code: 'config_unreadable',
        details: expect.objectContaining({ line: 2 }),
      }),
    );
    const jsonDir = dirWith('notion-sync.config.json', '{"store": "a",\n "x": }');
    expect(() => loadConfig({ cwd: jsonDir })).toThrow(
      expect.objectContaining({
        code: 'config_unreadable',
        details: expect.objectContaining({ line: 2, column: 7 }),
      }),
    );
  });

  it('throws config_not_found for a missing --config file', () => {
    expect(() => loadConfig({ cwd: tmpdir(), configPath: 'nope.yaml' })).toThrow(
      expect.objectContaining({ code: 'config_not_found' }),
    );
  });
});

describe('generated documentation', () => {
  it('the JSON Schema describes every file key and refuses unknown ones', () => {
    const schema = renderJsonSchema() as {
      properties: Record<string, unknown>;
      additionalProperties: unknown;
    };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['store', 'notion', 'log', 'sources']),
    );
    expect(schema.additionalProperties).toBe(false);
  });

  it('the README configuration reference matches the declaration', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /<!-- config-reference:start -->\n([\s\S]*?)\n<!-- config-reference:end -->/.exec(
      readme,
    );
    expect(block?.[1], 'run `npm run docs` to regenerate the README reference').toBe(
      renderConfigReference(),
    );
  });
});
