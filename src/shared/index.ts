export { type Clock, createManualClock, type ManualClock, systemClock } from './clock.ts';
export { editDistance, findClosest } from './closest.ts';
export { parseDuration } from './duration.ts';
export { hashValue, stableStringify } from './hash.ts';
export {
  createLogger,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  REDACTED_PATHS,
  silentLogger,
} from './logger.ts';
export { formatNotionId, isNotionId, parseNotionId } from './notion-id.ts';
export { PageIdSet } from './page-id-set.ts';
export { readAhead } from './read-ahead.ts';
export { redactUrlCredentials, redactUrlCredentialsDeep } from './redact-url.ts';
export { sanitizeIdentifier } from './sql-identifier.ts';
export { unifiedDiff } from './unified-diff.ts';
