import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function captureStream() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

// Assembled at run time so the source holds nothing that looks like a committed token.
const TOKEN = ['ntn', '4x9QeXAMPLEtokenVALUE1234567890abcdef'].join('_');

describe('logger redaction', () => {
  it.each([false, true])('never writes a token (pretty=%s)', (prettyMode) => {
    const sink = captureStream();
    const logger = createLogger({ pretty: prettyMode, destination: sink.stream, level: 'debug' });
    logger.info({ token: TOKEN }, 'top level');
    logger.info({ connection: { accessToken: TOKEN, refresh_token: TOKEN } }, 'nested');
    logger.debug({ request: { headers: { authorization: `Bearer ${TOKEN}` } } }, 'headers');
    const out = sink.text();
    expect(out).toContain('top level');
    expect(out).toContain('headers');
    expect(out).toContain('[redacted]');
    expect(out).not.toContain(TOKEN);
  });
});

describe('logger URL redaction', () => {
  it.each([false, true])('never writes a URL password (pretty=%s)', (prettyMode) => {
    const sink = captureStream();
    const logger = createLogger({ pretty: prettyMode, destination: sink.stream, level: 'debug' });
    logger.info({ store: 'postgres://alice:StorePw1@db.example:5432/app' }, 'opened');
    logger.error(
      { err: new Error('fetch http://bob:BasePw2@127.0.0.1:4010/v1/users failed') },
      'at https://carol:MsgPw3@host/x',
    );
    const out = sink.text();
    expect(out).toContain('alice:***@db.example');
    expect(out).toContain('bob:***@127.0.0.1');
    for (const secret of ['StorePw1', 'BasePw2', 'MsgPw3']) expect(out).not.toContain(secret);
  });
});
