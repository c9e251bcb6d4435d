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
