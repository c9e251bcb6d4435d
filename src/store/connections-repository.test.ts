// Invariant: tokens are stored only as AES-256-GCM ciphertext bound to their row; the database
// files never contain a plaintext token; a token needs a valid key to be stored or read.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isNotionSyncError } from '../errors.ts';
import { createSecretBox, parseSecretKey } from './secret-box.ts';
import { storeFactories } from './test-support/store-factories.ts';

const KEY = randomBytes(32).toString('base64');
const OTHER_KEY = randomBytes(32).toString('hex');
const TOKEN = `ntn_${'S3cretToken'.repeat(4)}`;
const REFRESH = `nrt_${'R3freshToken'.repeat(4)}`;

const codeOf = (error: unknown) => (isNotionSyncError(error) ? error.code : error);

describe('secret box', () => {
  it('accepts 32-byte keys as base64 or hex and rejects anything else', () => {
    expect(parseSecretKey(KEY).length).toBe(32);
    expect(parseSecretKey(OTHER_KEY).length).toBe(32);
    for (const bad of [
      '',
      'short',
      randomBytes(16).toString('base64'),
      randomBytes(31).toString('hex'),
    ]) {
      expect(
        codeOf(
          (() => {
            try {
              parseSecretKey(bad);
            } catch (e) {
              return e;
            }
          })(),
        ),
      ).toBe('secret_key_invalid');
    }
  });

  it('binds a ciphertext to its row', () => {
    const box = createSecretBox(KEY);
    const sealed = box.encrypt(TOKEN, 'connections:1:access_token');
    expect(sealed).not.toContain(TOKEN);
    expect(box.decrypt(sealed, 'connections:1:access_token')).toBe(TOKEN);
    expect(
      codeOf(
        (() => {
          try {
            box.decrypt(sealed, 'connections:2:access_token');
          } catch (e) {
            return e;
          }
        })(),
      ),
    ).toBe('secret_decrypt_failed');
  });

  it('decrypts with a previous key after rotation', () => {
    const sealed = createSecretBox(OTHER_KEY).encrypt(TOKEN, 'a');
    expect(createSecretBox(KEY, [OTHER_KEY]).decrypt(sealed, 'a')).toBe(TOKEN);
    expect(
      codeOf(
        (() => {
          try {
            createSecretBox(KEY).decrypt(sealed, 'a');
          } catch (e) {
            return e;
          }
        })(),
      ),
    ).toBe('secret_decrypt_failed');
  });
});

describe.each(storeFactories())('connections on $name', (factory) => {
  it('stores tokens encrypted and reads them back', async () => {
    const { store } = await factory.create({ secretKey: KEY });
    const connection = await store.connections.upsert({
      name: 'acme',
      kind: 'oauth',
      botId: 'bot-1',
      accessToken: TOKEN,
      refreshToken: REFRESH,
    });
    expect(connection).toMatchObject({
      hasAccessToken: true,
      hasRefreshToken: true,
      secretKeyId: createSecretBox(KEY).keyId,
    });
    expect(JSON.stringify(connection)).not.toContain(TOKEN);
    const row = await store.db.selectFrom('connections').selectAll().executeTakeFirstOrThrow();
    expect(row.access_token_enc).not.toContain(TOKEN);
    expect(await store.connections.readTokens(connection.id)).toEqual({
      accessToken: TOKEN,
      refreshToken: REFRESH,
    });
  });

  it('refuses to store a token without a key, and to read it with the wrong key', async () => {
    const { store, reopen } = await factory.create();
    const error = await store.connections
      .upsert({ name: 'acme', kind: 'env', accessToken: TOKEN })
      .catch((e: unknown) => e);
    expect(codeOf(error)).toBe('secret_key_missing');
    expect(await store.connections.list()).toEqual([]);
    await store.connections.upsert({ name: 'plain', kind: 'env' });
    if (!factory.persistent) return;
    const keyed = await reopen({ secretKey: KEY });
    const c = await keyed.connections.upsert({ name: 'acme', kind: 'env', accessToken: TOKEN });
    const keyless = await reopen({});
    expect(codeOf(await keyless.connections.readTokens(c.id).catch((e: unknown) => e))).toBe(
      'secret_key_missing',
    );
    const wrong = await reopen({ secretKey: OTHER_KEY });
    expect(codeOf(await wrong.connections.readTokens(c.id).catch((e: unknown) => e))).toBe(
      'secret_decrypt_failed',
    );
  });

  it('rejects a malformed key when the store opens', async () => {
    const error = await factory.create({ secretKey: 'not-a-key' }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('secret_key_invalid');
  });

  it.runIf(factory.name === 'sqlite-file')(
    'leaves no plaintext token in the database files',
    async () => {
      const { store, url } = await factory.create({ secretKey: KEY });
      await store.connections.upsert({
        name: 'acme',
        kind: 'oauth',
        accessToken: TOKEN,
        refreshToken: REFRESH,
      });
      const files = [url, `${url}-wal`].filter((f) => existsSync(f));
      expect(files).toContain(`${url}-wal`);
      const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
      expect(bytes.includes('acme')).toBe(true);
      expect(bytes.includes(TOKEN)).toBe(false);
      expect(bytes.includes(REFRESH)).toBe(false);
    },
  );
});
