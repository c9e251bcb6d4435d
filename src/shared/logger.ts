import { createRequire } from 'node:module';
import { type DestinationStream, type Logger, pino } from 'pino';
import type PinoPretty from 'pino-pretty';
import { redactUrlCredentials } from './redact-url.ts';

export type { Logger } from 'pino';
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** Keys whose values are secrets, at any of the depths our log calls use. */
const SECRET_KEYS = [
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'secret',
  'secretKey',
  'verificationToken',
  'verification_token',
  'authorization',
  'Authorization',
  'auth',
  'password',
];

export const REDACTED_PATHS: string[] = SECRET_KEYS.flatMap((key) => [
  key,
  `*.${key}`,
  `*.*.${key}`,
  `*.*.*.${key}`,
]);

export interface LoggerOptions {
  level?: LogLevel;
  /** Human-readable lines instead of JSON; the CLI turns this on for a TTY. */
  pretty?: boolean;
  color?: boolean;
  /** Where lines go; stderr by default so stdout stays clean for `--json` output. */
  destination?: DestinationStream;
}

/** pino-pretty and its dependencies (~15 MiB resident) are loaded only when a human reads the
 * lines: a library user or a JSON-logging process never pays for them. */
function loadPretty(): typeof PinoPretty {
  return createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const stream: DestinationStream = options.pretty
    ? loadPretty()({
        destination: options.destination ?? 2,
        sync: true,
        colorize: options.color ?? false,
        ignore: 'pid,hostname',
        translateTime: 'HH:MM:ss',
      })
    : (options.destination ?? pino.destination({ fd: 2, sync: true }));
  // Every line passes through the URL redaction: a store URL or base URL in a message or an
  // error's text never shows its password.
  const redacting: DestinationStream = {
    write: (line: string) => stream.write(redactUrlCredentials(line)),
  };
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, redacting);
}

/** A logger that drops everything; the default for library calls that were given none. */
export const silentLogger: Logger = pino({ level: 'silent' });
