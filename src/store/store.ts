// The store: opens a SQLite file or a PostgreSQL schema, applies migrations, and hands out the
// repositories. Every repository operation runs in ONE transaction, so a crash leaves either all
// of an operation or none of it.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { NotionSyncError } from '../errors.ts';
import { type Clock, type Logger, silentLogger, systemClock } from '../shared/index.ts';
import {
  type CheckpointsRepository,
  createCheckpointsRepository,
} from './checkpoints-repository.ts';
import { type ConflictsRepository, createConflictsRepository } from './conflicts-repository.ts';
import {
  type ConnectionsRepository,
  createConnectionsRepository,
} from './connections-repository.ts';
import {
  createDeclaredDatabasesRepository,
  type DeclaredDatabasesRepository,
} from './declared-databases-repository.ts';
import type { DialectName, StoreDialect } from './dialect.ts';
import { DEFAULT_POSTGRES_SCHEMA } from './dialect.ts';
import { createDatabaseFileStore } from './files/database-file-store.ts';
import { createDirectoryFileStore } from './files/directory-file-store.ts';
import type { FileStore } from './files/file-store.ts';
import {
  createVersionFilesRepository,
  type VersionFilesRepository,
} from './files/version-files-repository.ts';
import { createHistoryRepository, type HistoryRepository } from './history-repository.ts';
import { createJanitorMaintenance, type JanitorMaintenance } from './janitor-maintenance.ts';
import {
  type AppendLocalVersionInput,
  appendLocalVersionIn,
  type CreateLocalRecordInput,
  createLocalRecordIn,
  type LocalEditResult,
} from './local-edits.ts';
import { createMcpCallsRepository, type McpCallsRepository } from './mcp-calls-repository.ts';
import { migrateStore } from './migrate.ts';
import { createOutboxRepository, type OutboxRepository } from './outbox-repository.ts';
import { createPointInTimeReader, type PointInTimeReader } from './point-in-time.ts';
import {
  createRateBudgetsRepository,
  type RateBudgetsRepository,
} from './rate-budgets-repository.ts';
import type { ReadOnlySqlRunner } from './read-only-sql/read-only-sql.ts';
import { createRecordsRepository, type RecordsRepository } from './records-repository.ts';
import type { RepositoryContext } from './repository-context.ts';
import { createRunsRepository, type RunsRepository } from './runs-repository.ts';
import type { Database } from './schema.ts';
import { createSearchRepository, type SearchRepository } from './search-repository.ts';
import { createSecretBox } from './secret-box.ts';
import { createSourceRowsRepository, type SourceRowsRepository } from './source-rows.ts';
import { createSourcesRepository, type SourcesRepository } from './sources-repository.ts';
import {
  createStagedEditsRepository,
  type StagedEditsRepository,
} from './staged-edits-repository.ts';
import { DEFAULT_STORE_URL, parseStoreUrl, redactUrl } from './store-url.ts';
import {
  createTargetItemsRepository,
  type TargetItemsRepository,
} from './target-items-repository.ts';
import {
  countPrunableVersions,
  type PruneVersionsInput,
  pruneVersions,
} from './version-retention.ts';
import {
  createWebhookEventsRepository,
  type WebhookEventsRepository,
} from './webhook-events-repository.ts';
import {
  createWebhookTokensRepository,
  type WebhookTokensRepository,
} from './webhook-tokens-repository.ts';

export interface StoreOptions {
  /** File path, `sqlite:` URL, `:memory:`, or `postgres://` URL; `./notion-sync.db` by default. */
  url?: string;
  /** Directory a relative SQLite path is resolved against; the process's working directory by default. */
  baseDir?: string;
  /** PostgreSQL schema for the engine tables and views; `notion_sync` by default. */
  schema?: string;
  logger?: Logger;
  /** NOTION_SYNC_SECRET_KEY: 32 bytes as base64 or hex; needed only to store or read tokens. */
  secretKey?: string;
  /** Older keys that can still decrypt (key rotation). */
  previousSecretKeys?: string[];
  /** Time source for timestamps; the system clock by default. */
  clock?: Clock;
  /**
   * Where kept files' bytes live: `dir` (relative to `baseDir`); by default a
   * `notion-sync-files` directory beside a SQLite file, the database itself otherwise.
   */
  files?: { dir?: string; inDatabase?: boolean };
  /**
   * Refuse (`store_missing`) rather than create a store that does not exist yet: for commands
   * that only read it.
   */
  mustExist?: boolean;
  /**
   * `store_too_old` instead of migrating a store that lacks this version's migrations: for
   * workers, which must not change a store that other processes of an older version still use.
   */
  refuseMigration?: boolean;
}

export interface LocalEditsRepository {
  /** A new local record (no page yet): its first version and a `create` outbox item. */
  createRecord(input: CreateLocalRecordInput): Promise<LocalEditResult>;
  /** A local version of an existing record and its `update`/`delete` outbox item. */
  appendVersion(input: AppendLocalVersionInput): Promise<LocalEditResult>;
}

export interface Store {
  readonly dialect: DialectName;
  /** Where the tables live, for messages: a file path or a PostgreSQL schema. */
  readonly location: string;
  readonly sources: SourcesRepository;
  readonly checkpoints: CheckpointsRepository;
  readonly records: RecordsRepository;
  readonly local: LocalEditsRepository;
  readonly history: HistoryRepository;
  readonly outbox: OutboxRepository;
  readonly conflicts: ConflictsRepository;
  readonly runs: RunsRepository;
  readonly webhookEvents: WebhookEventsRepository;
  readonly webhookTokens: WebhookTokensRepository;
  readonly connections: ConnectionsRepository;
  /** File references of versions, and stored files' rows. */
  readonly files: VersionFilesRepository;
  /** The bytes of stored files, by SHA-256. */
  readonly blobs: FileStore;
  /** Databases `init` created or manages, by source name. */
  readonly declared: DeclaredDatabasesRepository;
  /** Point-in-time reads (`restore`). */
  readonly pointInTime: PointInTimeReader;
  /** Janitor: old runs, processed webhook events, planner statistics. */
  readonly maintenance: JanitorMaintenance;
  /** Agent proposals waiting for approval (never versions until approved). */
  readonly staged: StagedEditsRepository;
  /** The audit of MCP tool calls. */
  readonly mcpCalls: McpCallsRepository;
  /** Full-text search over current titles and Markdown. */
  readonly search: SearchRepository;
  /** Filtered, sorted pages of a source's current rows (its view). */
  readonly rows: SourceRowsRepository;
  /** One read-only SELECT over the source views, enforced by the database (see read-only-sql/). */
  readonly readOnlySql: ReadOnlySqlRunner;
  /** What each target last exported, per record (DESIGN.md §5 Targets). */
  readonly targets: TargetItemsRepository;
  /** Token buckets shared by every process (PostgreSQL; see rate-budgets-repository.ts). */
  readonly rateBudgets: RateBudgetsRepository;
  /** Janitor retention: the only path that deletes versions. */
  pruneVersions(input: PruneVersionsInput): Promise<number>;
  /** How many versions `pruneVersions` would delete. */
  countPrunableVersions(input: Omit<PruneVersionsInput, 'limit'>): Promise<number>;
  /** The Kysely instance bound to the engine namespace (for tests and advanced reads). */
  readonly db: Kysely<Database>;
  close(): Promise<void>;
}

/**
 * Opens the store at `url` and migrates it. Errors: `store_invalid_url`, `store_too_new`,
 * `store_error`, `store_missing` (with `mustExist`), `secret_key_invalid` (a malformed `secretKey`).
 */
export async function createStore(options: StoreOptions = {}): Promise<Store> {
  const url = options.url ?? DEFAULT_STORE_URL;
  const location = parseStoreUrl(url);
  const sqlitePath =
    location.dialect === 'sqlite' ? resolveSqlitePath(location.path, options.baseDir) : null;
  if (options.mustExist && sqlitePath && sqlitePath !== ':memory:' && !existsSync(sqlitePath)) {
    throw storeMissing(resolve(sqlitePath));
  }
  const box = options.secretKey
    ? createSecretBox(options.secretKey, options.previousSecretKeys)
    : null;
  // Each dialect loads its driver only when used (a SQLite user never loads pg, and back).
  const dialect: StoreDialect =
    location.dialect === 'sqlite'
      ? (await import('./sqlite-dialect.ts')).createSqliteDialect({ path: sqlitePath as string })
      : (await import('./postgres-dialect.ts')).createPostgresDialect({
          connectionString: location.connectionString,
          ...(options.schema ? { schema: options.schema } : {}),
        });
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  try {
    if (options.mustExist && !(await dialect.isInitialized())) {
      throw storeMissing(
        location.dialect === 'sqlite'
          ? (sqlitePath as string)
          : `${redactUrl(url)} (${dialect.namespace})`,
      );
    }
    const { applied } = await migrateStore(dialect, {
      refusePending: options.refuseMigration === true,
    });
    if (applied.length > 0) logger.debug({ store: redactUrl(url), applied }, 'store migrated');
  } catch (error) {
    await dialect.close();
    if (error instanceof NotionSyncError) throw error;
    throw new NotionSyncError(
      'store_error',
      `Opening the store (${dialect.namespace}) failed: ${error instanceof Error ? error.message : String(error)}. ` +
        'Check the store URL and that the database server is reachable.',
      { cause: error },
    );
  }
  const readOnlySql: ReadOnlySqlRunner =
    location.dialect === 'sqlite'
      ? (await import('./read-only-sql/sqlite-read-only-sql.ts')).createSqliteReadOnlySql(
          location.path === ':memory:'
            ? ':memory:'
            : resolve(resolveSqlitePath(location.path, options.baseDir)),
        )
      : (await import('./read-only-sql/postgres-read-only-sql.ts')).createPostgresReadOnlySql(
          location.connectionString,
          options.schema ?? DEFAULT_POSTGRES_SCHEMA,
        );
  const ctx: RepositoryContext = {
    dialect,
    logger,
    now: () => new Date(clock.now()).toISOString(),
  };
  const blobs = await openFileStore(options, location, dialect, ctx);
  return {
    dialect: dialect.name,
    location:
      location.dialect === 'sqlite' ? location.path : `${redactUrl(url)} (${dialect.namespace})`,
    sources: createSourcesRepository(ctx),
    checkpoints: createCheckpointsRepository(ctx),
    records: createRecordsRepository(ctx),
    local: {
      createRecord: (input) => dialect.transaction((trx) => createLocalRecordIn(ctx, trx, input)),
      appendVersion: (input) => dialect.transaction((trx) => appendLocalVersionIn(ctx, trx, input)),
    },
    history: createHistoryRepository(ctx),
    outbox: createOutboxRepository(ctx),
    conflicts: createConflictsRepository(ctx),
    runs: createRunsRepository(ctx),
    webhookEvents: createWebhookEventsRepository(ctx),
    webhookTokens: createWebhookTokensRepository(ctx, box),
    connections: createConnectionsRepository(ctx, box),
    files: createVersionFilesRepository(ctx),
    blobs,
    declared: createDeclaredDatabasesRepository(ctx),
    pointInTime: createPointInTimeReader(ctx),
    maintenance: createJanitorMaintenance(ctx),
    staged: createStagedEditsRepository(ctx),
    mcpCalls: createMcpCallsRepository(ctx),
    search: createSearchRepository(ctx),
    rows: createSourceRowsRepository(ctx),
    readOnlySql,
    targets: createTargetItemsRepository(ctx),
    rateBudgets: createRateBudgetsRepository(ctx),
    pruneVersions: (input) => pruneVersions(ctx, input),
    countPrunableVersions: (input) => countPrunableVersions(ctx, input),
    db: dialect.db,
    close: async () => {
      await readOnlySql.close();
      await dialect.close();
    },
  };
}

async function openFileStore(
  options: StoreOptions,
  location: ReturnType<typeof parseStoreUrl>,
  dialect: StoreDialect,
  ctx: RepositoryContext,
): Promise<FileStore> {
  let dir = options.files?.inDatabase ? undefined : options.files?.dir;
  const beside = !options.files?.inDatabase && location.dialect === 'sqlite';
  if (dir === undefined && beside && location.path !== ':memory:') {
    const path = resolveSqlitePath(location.path, options.baseDir);
    dir = join(dirname(path), DEFAULT_FILES_DIR);
  }
  if (dir === undefined) return createDatabaseFileStore(dialect.db, ctx.now);
  return createDirectoryFileStore(
    isAbsolute(dir) ? dir : resolve(options.baseDir ?? process.cwd(), dir),
  );
}

/** The directory name of kept files beside a SQLite store. */
export const DEFAULT_FILES_DIR = 'notion-sync-files';

function storeMissing(where: string): NotionSyncError {
  return new NotionSyncError(
    'store_missing',
    `No store here: ${where} does not exist yet (or holds no notion-sync tables). Run ` +
      '`notion-sync pull` to create it, or point `store` (NOTION_SYNC_STORE, --store) at an existing one.',
    { details: { store: where } },
  );
}

function resolveSqlitePath(path: string, baseDir: string | undefined): string {
  if (path === ':memory:' || baseDir === undefined || isAbsolute(path)) return path;
  return resolve(baseDir, path);
}
