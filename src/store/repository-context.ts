// What every repository gets: the dialect (db + transactions), the time source and a logger.
import type { Selectable } from 'kysely';
import type { Logger } from '../shared/index.ts';
import type { StoreDialect } from './dialect.ts';
import type { Database } from './schema.ts';

export interface RepositoryContext {
  readonly dialect: StoreDialect;
  /** Current time as ISO-8601 UTC text. */
  now(): string;
  readonly logger: Logger;
}

export type Row<T extends keyof Database> = Selectable<Database[T]>;
