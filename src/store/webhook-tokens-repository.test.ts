// Invariant: a webhook verification token is stored only encrypted, a handshake's token is
// only pending until accepted, and without NOTION_SYNC_SECRET_KEY nothing is stored.
import { describe, expect, it } from 'vitest';
import { isNotionSyncError } from '../errors.ts';
import { storeFactories } from './test-support/store-factories.ts';

const KEY = Buffer.alloc(32, 9).toString('base64');
const TOKEN = ['secret', 'handshake', 'value', '42'].join('_');

describe.each(storeFactories())('webhook tokens on $name', (factory) => {
  it('keeps a pending token until accepted, encrypted at rest', async () => {
    const { store } = await factory.create({ secretKey: KEY });
    expect(await store.webhookTokens.readAccepted('default')).toBeNull();
    const refused = await store.webhookTokens.acceptPending('default').catch((e: unknown) => e);
    expect(isNotionSyncError(refused) && refused.code).toBe('webhook_token_missing');
    await store.webhookTokens.setPending('default', TOKEN);
    expect(await store.webhookTokens.readPending('default')).toBe(TOKEN);
    expect(await store.webhookTokens.readAccepted('default')).toBeNull();
    await store.webhookTokens.acceptPending('default');
    expect(await store.webhookTokens.readAccepted('default')).toBe(TOKEN);
    expect(await store.webhookTokens.readPending('default')).toBeNull();
    expect(await store.webhookTokens.state('default')).toMatchObject({
      pendingAt: null,
      acceptedAt: expect.any(String),
    });
    const rows = await store.db.selectFrom('webhook_tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(TOKEN);
    // A newer handshake never replaces the accepted key by itself.
    await store.webhookTokens.setPending('default', 'secret_other');
    expect(await store.webhookTokens.readAccepted('default')).toBe(TOKEN);
  });

  it('refuses to store a token without a secret key', async () => {
    const { store } = await factory.create();
    const error = await store.webhookTokens.setPending('default', TOKEN).catch((e: unknown) => e);
    expect(isNotionSyncError(error) && error.code).toBe('secret_key_missing');
    expect(await store.webhookTokens.readPending('default')).toBeNull();
  });
});
