import { Cron } from 'croner';
import { z } from 'zod';
import { parseDuration } from '../shared/duration.ts';
import { isNotionId } from '../shared/notion-id.ts';
import { declaredSchemaSchema, declaresTitle, retentionSchema } from './declared-schema.ts';

/**
 * The one declaration of every option. Each leaf yields its config-file key (its path in this
 * object), its environment variable, its CLI flag, its `--help` line, its JSON Schema entry and
 * its row in the README's configuration reference. Secrets are leaves with `secret: true`: they
 * are read from the environment only, and finding one in the file is an error.
 */
export interface OptionSpec<S extends z.ZodType = z.ZodType> {
  readonly kind: 'option';
  readonly schema: S;
  readonly description: string;
  readonly default?: z.output<S>;
  readonly env?: string;
  /** Offer this option as a global CLI flag named after its key (`notion.baseUrl` → `--notion-base-url`). */
  readonly flag?: boolean;
  readonly secret?: boolean;
  /** Shown instead of a JSON default in docs (for computed defaults). */
  readonly defaultText?: string;
}

function option<S extends z.ZodType, const T extends Omit<OptionSpec<S>, 'kind' | 'schema'>>(
  spec: T & { schema: S },
): T & { schema: S; kind: 'option' } {
  return { kind: 'option', ...spec };
}

const notionRef = (what: string) =>
  z.string().refine(isNotionId, {
    error: `not a Notion ID or URL — copy it from the ${what}'s Share menu (Copy link)`,
  });

const durationText = z.string().refine((v) => parseDuration(v) !== undefined, {
  error: 'not a duration — write it like 90s, 15m, 6h or 1d',
});

function isSchedule(value: string): boolean {
  if (parseDuration(value) !== undefined) return (parseDuration(value) ?? 0) > 0;
  try {
    new Cron(value, { paused: true });
    return true;
  } catch {
    return false;
  }
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const scheduleText = z.string().refine(isSchedule, {
  error:
    'not a schedule — use an interval like 15m or 6h, or a cron expression like "*/15 * * * *" (a sixth, leading field gives seconds)',
});
const timeZoneText = z.string().refine(isTimeZone, {
  error: 'not a time zone — use an IANA name such as UTC or Europe/Berlin',
});

export const NOTION_VERSIONS = ['2025-09-03', '2026-03-11'] as const;
export type NotionVersion = (typeof NOTION_VERSIONS)[number];
export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug', 'trace'] as const;

const sqlName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, {
  error: 'not a plain SQL name — use letters, digits and _ (no quotes)',
});

/** What a target does when an item is deleted on one side (rows of a table, files of a folder). */
const deletePolicies = {
  onLocalDelete: z
    .enum(['trash', 'keep'])
    .optional()
    .describe('A row or file deleted locally: trash its page (default) or keep it'),
  onNotionDelete: z
    .enum(['delete', 'keep'])
    .optional()
    .describe('A page trashed in Notion: delete its row or file (default) or keep it'),
};

export const tableTargetSchema = z
  .object({
    table: z
      .string()
      .regex(/^([A-Za-z_][A-Za-z0-9_]{0,62}\.)?[A-Za-z_][A-Za-z0-9_]{0,62}$/, {
        error: 'not a table name — write table or schema.table (letters, digits and _)',
      })
      .describe('The user table the source is kept two-way with: table or schema.table'),
    key: sqlName.describe(
      "The table's unique key column; its value is the page's sync key (syncKeyProperty)",
    ),
    columns: z
      .record(z.string().min(1), sqlName)
      .optional()
      .describe('Notion property → column (default: properties whose name matches a column)'),
    urlEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, {
        error: 'not an environment variable name (e.g. APP_DATABASE_URL)',
      })
      .optional()
      .describe(
        'Environment variable holding the URL of the database with the table (default: the store database)',
      ),
    updatedAt: sqlName
      .optional()
      .describe(
        'A timestamp column the application updates: scans read only rows changed since the last one',
      ),
    ...deletePolicies,
    bookkeeping: z
      .object({
        lastSynced: z.string().min(1).optional(),
        syncStatus: z.string().min(1).optional(),
      })
      .strict()
      .optional()
      .describe('Notion properties push keeps: lastSynced (date), syncStatus (select)'),
  })
  .strict();

export const folderTargetSchema = z
  .object({
    folder: z
      .string()
      .min(1)
      .describe(
        'The folder of Markdown files kept with this source (relative to the working directory)',
      ),
    layout: z
      .enum(['tree', 'flat'])
      .optional()
      .describe(
        'tree: a page tree as nested folders (default for pages); flat: every file in the folder (default for databases)',
      ),
    rename: z
      .boolean()
      .optional()
      .describe("Rename a file when its page's title changes (default false: names stay stable)"),
    ...deletePolicies,
  })
  .strict();

const TABLE_ONLY = ['table', 'key', 'columns', 'urlEnv', 'updatedAt', 'bookkeeping'] as const;
const FOLDER_ONLY = ['folder', 'layout', 'rename'] as const;

/**
 * A table target or a folder target, told apart by `table` / `folder`. One object rather than a
 * union, so a mistake is reported at its own key (a union only says "Invalid input").
 */
export const targetSchema = tableTargetSchema
  .partial({ table: true, key: true })
  .extend({
    ...folderTargetSchema.partial({ folder: true }).shape,
  })
  .superRefine((target, ctx) => {
    const folder = target.folder !== undefined;
    if (!folder && target.table === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'needs `table` (a SQL table) or `folder` (Markdown files)',
      });
      return;
    }
    const given = (keys: readonly string[]) => keys.filter((k) => Object.hasOwn(target, k));
    for (const key of given(folder ? TABLE_ONLY : FOLDER_ONLY)) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: folder
          ? `\`${key}\` belongs to a table target — a folder target takes folder, layout, rename, onLocalDelete and onNotionDelete`
          : `\`${key}\` belongs to a folder target — remove it, or use \`folder\` instead of \`table\``,
      });
    }
    if (!folder && target.key === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['key'],
        message: "needs the table's unique key column",
      });
  })
  .transform((target) => target as TableTargetConfig | FolderTargetConfig);

export type TableTargetConfig = z.output<typeof tableTargetSchema>;
export type FolderTargetConfig = z.output<typeof folderTargetSchema>;
export type TargetConfig = TableTargetConfig | FolderTargetConfig;

/** The bookkeeping properties of a table target (a folder target has none). */
export function bookkeepingOf(target: TargetConfig | undefined): TableTargetConfig['bookkeeping'] {
  return target && !isFolderTarget(target) ? target.bookkeeping : undefined;
}

export function isFolderTarget(target: TargetConfig | undefined): target is FolderTargetConfig {
  return target !== undefined && 'folder' in target;
}

export function isTableTarget(target: TargetConfig | undefined): target is TableTargetConfig {
  return target !== undefined && 'table' in target;
}

export const sourceSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,62}$/, {
      error:
        'must start with a letter and use only letters, digits, _ and - (it names the SQL view)',
    }),
    database: notionRef('database').optional().describe('Notion database id or URL'),
    dataSource: notionRef('data source')
      .optional()
      .describe('Notion data source id (for databases with several data sources)'),
    page: notionRef('page').optional().describe('Notion page id or URL: imports the page tree'),
    parent: notionRef('page')
      .optional()
      .describe('Notion page under which `notion-sync init` creates the database'),
    schema: declaredSchemaSchema
      .optional()
      .describe(
        'Declared properties (name → type or { type, options, format, source, expression, renamedFrom }): what `init` creates or updates',
      ),
    retention: retentionSchema
      .optional()
      .describe('What `janitor` keeps: { keepVersions?: n, keepDays?: d }'),
    properties: z
      .union([z.array(z.string().min(1)), z.record(z.string(), z.string().min(1))])
      .optional()
      .describe('Properties to keep: a list of names, or a map of Notion name → column name'),
    content: z
      .enum(['none', 'markdown'])
      .optional()
      .describe('Page content to keep (default: none for databases, markdown for pages)'),
    direction: z
      .enum(['pull', 'push', 'both'])
      .optional()
      .describe('Sync direction (default pull)'),
    schedule: scheduleText
      .optional()
      .describe(
        'When `serve` runs this source (pull, push or sync per its direction): an interval (15m, 6h) or a cron expression (seconds field allowed); overrides the top-level `schedule`',
      ),
    timezone: timeZoneText
      .optional()
      .describe('Time zone of a cron `schedule` (default: the top-level `timezone`, else UTC)'),
    jitter: durationText
      .optional()
      .describe('Delay each scheduled run by a random time up to this long (e.g. 30s)'),
    reconcile: durationText
      .optional()
      .describe(
        'How often a pull lists every row to find rows deleted for good or unshared (default 6h; trashed rows are seen on every pull)',
      ),
    conflictPolicy: z
      .enum(['manual', 'notion-wins', 'local-wins', 'last-write-wins', 'prompt'])
      .optional()
      .describe(
        'A property changed differently on both sides: manual (default: the conflict queue), notion-wins, local-wins, last-write-wins, prompt (asks on a TTY)',
      ),
    connection: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/, { error: 'not a connection name' })
      .optional()
      .describe(
        'The connection (Notion credential) this source reads and writes through: a name from `connections`, or an OAuth installation; default: the NOTION_TOKEN connection',
      ),
    syncKeyProperty: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe(
        'Text property holding the sync key of pages push creates (default "notion-sync key"; added on first push)',
      ),
    target: targetSchema
      .optional()
      .describe(
        "A user's SQL table ({ table, key, … }) or a folder of Markdown files ({ folder, … }) kept with this source (default: the store only)",
      ),
  })
  .strict()
  .superRefine((source, ctx) => {
    const table = source.target && !isFolderTarget(source.target);
    if (table && (source.page || (source.direction ?? 'pull') !== 'both')) {
      ctx.addIssue({
        code: 'custom',
        path: ['target'],
        message: source.page
          ? 'a page tree cannot have a table target — use database or dataSource'
          : 'a table target is kept two-way — set `direction: both` on this source',
      });
    }
    if (source.page && !isFolderTarget(source.target) && (source.direction ?? 'pull') !== 'pull') {
      ctx.addIssue({
        code: 'custom',
        path: ['direction'],
        message:
          'a page tree takes local edits from a folder target only — add `target: { folder: … }` or use `direction: pull`',
      });
    }
    const given = (['database', 'dataSource', 'page'] as const).filter((k) => source[k]);
    // A table target's schema may leave the title to its first text column (`init --from-table`).
    if (source.schema && !source.target && !declaresTitle(source.schema)) {
      ctx.addIssue({
        code: 'custom',
        path: ['schema'],
        message:
          'declares no title property — a Notion database has exactly one (e.g. `Name: title`)',
      });
    }
    if (source.schema && source.page) {
      ctx.addIssue({
        code: 'custom',
        path: ['schema'],
        message: 'a page tree has no schema: declare `schema:` on a database source',
      });
    }
    // `init --from-table` derives the schema of a target-only source from its table.
    if (given.length === 0 && (source.schema || source.target)) {
      if (!source.parent) {
        ctx.addIssue({
          code: 'custom',
          path: ['parent'],
          message:
            'a source that `init` creates needs `parent:` — the Notion page to create its database under',
        });
      }
    } else if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          given.length === 0
            ? 'needs one of database, dataSource or page — which Notion object to sync (or `schema:` and `parent:` to create it with `notion-sync init`)'
            : `gives ${given.join(' and ')}: keep exactly one of database, dataSource or page`,
      });
    }
  });

export type SourceConfig = z.output<typeof sourceSchema>;

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

export const connectionSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,62}$/, {
      error: 'must start with a letter and use only letters, digits, _ and -',
    }),
    tokenEnv: z.string().regex(ENV_NAME, {
      error: 'not an environment variable name — e.g. ACME_NOTION_TOKEN',
    }),
  })
  .strict();

export type ConnectionConfig = z.output<typeof connectionSchema>;

// Checks across sources (unique names, distinct view columns) live in source-checks.ts: they run
// even when a source has other problems, so every problem is reported at once.
const sourcesSchema = z.array(sourceSchema);

export const declaration = {
  store: option({
    schema: z.string().min(1),
    default: './notion-sync.db',
    env: 'NOTION_SYNC_STORE',
    flag: true,
    description:
      'Where the local store lives: a SQLite file path, a sqlite: URL or a postgres:// URL',
  }),
  notion: {
    token: option({
      schema: z.string().min(1),
      env: 'NOTION_TOKEN',
      secret: true,
      description: 'Notion integration token (internal integration secret)',
    }),
    baseUrl: option({
      schema: z
        .url({ error: 'not a URL — e.g. https://api.notion.com or http://127.0.0.1:4010' })
        .refine((url) => !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url), {
          error:
            'must not hold credentials (user:password@) — requests cannot carry them; the token comes from NOTION_TOKEN',
        }),
      default: 'https://api.notion.com',
      env: 'NOTION_BASE_URL',
      flag: true,
      description: 'Notion API base URL; point it at `notion-sync emulator` to work offline',
    }),
    version: option({
      schema: z.enum(NOTION_VERSIONS),
      default: '2026-03-11',
      env: 'NOTION_VERSION',
      description: 'Notion-Version header sent with every request',
    }),
    requestsPerSecond: option({
      schema: z.number().positive().max(1000),
      default: 3,
      env: 'NOTION_SYNC_RPS',
      description: 'Average requests per second per connection (Notion allows about 3)',
    }),
    burst: option({
      schema: z.number().int().min(1).max(1000),
      default: 5,
      env: 'NOTION_SYNC_BURST',
      description: 'Requests that may go out at once before pacing applies',
    }),
    maxInFlight: option({
      schema: z.number().int().min(1).max(64),
      default: 3,
      description: 'Requests in flight at once per connection',
    }),
    rateBudget: option({
      schema: z.enum(['auto', 'local', 'shared']),
      default: 'auto',
      env: 'NOTION_SYNC_RATE_BUDGET',
      description:
        'Where the rate budget lives: `local` (this process paces each connection), `shared` (token buckets in the PostgreSQL store, one per connection and one per workspace, spent by every process), or `auto`: shared with `runner: distributed`, local otherwise',
    }),
    workspaceRequestsPerSecond: option({
      schema: z.number().positive().max(1000),
      default: 3,
      description:
        'With `rateBudget: shared`: average requests per second of a whole workspace, shared by all its connections',
    }),
    interactiveReserve: option({
      schema: z.number().int().min(0).max(999),
      default: 1,
      description:
        'With `rateBudget: shared`: tokens of each bucket that bulk work (pulls, backfills) leaves for interactive work (console, MCP and API pushes, webhook refreshes); must be below `burst`',
    }),
    timeoutMs: option({
      schema: z.number().int().min(1000),
      default: 60_000,
      description: 'Per-request timeout in milliseconds',
    }),
    maxRetries: option({
      schema: z.number().int().min(0).max(20),
      default: 4,
      description: 'Retries of a failed request where repeating it is safe',
    }),
  },
  log: {
    level: option({
      schema: z.enum(LOG_LEVELS),
      default: 'info',
      env: 'NOTION_SYNC_LOG_LEVEL',
      description: 'Log level (logs go to stderr; --verbose means debug, --quiet means error)',
    }),
  },
  secretKey: option({
    schema: z.string().min(1),
    env: 'NOTION_SYNC_SECRET_KEY',
    secret: true,
    description: 'Key that encrypts stored tokens (32 bytes, base64 or hex)',
  }),
  oauth: {
    clientId: option({
      schema: z.string().min(1),
      env: 'NOTION_OAUTH_CLIENT_ID',
      description: 'OAuth client id of a public Notion integration (enables `/oauth/notion/start`)',
    }),
    redirectUri: option({
      schema: z.url({ error: 'not a URL — e.g. https://sync.example.com/oauth/notion/callback' }),
      env: 'NOTION_OAUTH_REDIRECT_URI',
      description:
        "The integration's redirect URI: `serve`'s `/oauth/notion/callback` as the browser reaches it",
    }),
    clientSecret: option({
      schema: z.string().min(1),
      env: 'NOTION_OAUTH_CLIENT_SECRET',
      secret: true,
      description: 'OAuth client secret of a public Notion integration',
    }),
  },
  webhooks: {
    verificationToken: option({
      schema: z.string().min(1),
      env: 'NOTION_WEBHOOK_VERIFICATION_TOKEN',
      secret: true,
      description: 'Webhook verification token (the HMAC key of X-Notion-Signature)',
    }),
  },
  files: {
    keep: option({
      schema: z.boolean(),
      default: true,
      env: 'NOTION_SYNC_FILES_KEEP',
      description:
        'Download the files pages refer to (files properties, icons, covers, media in content) into the file store',
    }),
    dir: option({
      schema: z.string().min(1),
      env: 'NOTION_SYNC_FILES_DIR',
      defaultText: '`notion-sync-files` beside a SQLite store; the database itself for PostgreSQL',
      description:
        'Directory of kept files, named by SHA-256 (with several workers, one they all share)',
    }),
    external: option({
      schema: z.boolean(),
      default: false,
      description: 'Also download external files (otherwise they stay links)',
    }),
    maxBytes: option({
      schema: z.number().int().positive(),
      default: 104_857_600,
      description: 'Largest file kept, in bytes; a larger one is a coverage gap in `status`',
    }),
    totalBytes: option({
      schema: z.number().int().positive(),
      defaultText: 'no budget',
      description:
        'Budget of all kept files, in bytes; files past it are coverage gaps in `status`',
    }),
  },
  janitor: {
    schedule: option({
      schema: z.string().refine(isSchedule, {
        error: 'not a schedule — use a cron expression or a duration like 1d',
      }),
      default: '1d',
      description: 'When `serve` runs `janitor`: cron expression or interval',
    }),
    keepRunsDays: option({
      schema: z.number().positive(),
      default: 90,
      description:
        'Runs older than this many days are pruned by `janitor` (a run a version, conflict or checkpoint names is kept)',
    }),
    keepWebhookEventsDays: option({
      schema: z.number().positive(),
      default: 30,
      description: 'Processed webhook events older than this many days are pruned by `janitor`',
    }),
  },
  schedule: option({
    schema: scheduleText,
    env: 'NOTION_SYNC_SCHEDULE',
    description:
      'Default schedule of every source without its own `schedule` (interval or cron); unset: sources run only when asked',
  }),
  timezone: option({
    schema: timeZoneText,
    default: 'UTC',
    env: 'NOTION_SYNC_TIMEZONE',
    description: 'Default time zone of cron schedules',
  }),
  jitter: option({
    schema: durationText,
    description: 'Default random delay added to each scheduled run (e.g. 30s)',
  }),
  server: {
    port: option({
      schema: z.number().int().min(0).max(65535),
      default: 8787,
      env: 'NOTION_SYNC_PORT',
      description: '`serve`: TCP port to listen on (0 picks a free one); also `serve --port`',
    }),
    host: option({
      schema: z.string().min(1),
      default: '127.0.0.1',
      env: 'NOTION_SYNC_HOST',
      description:
        '`serve`: address to listen on; a non-loopback host needs NOTION_SYNC_API_TOKEN; also `serve --host`',
    }),
    maxBodyBytes: option({
      schema: z.number().int().min(1024).max(10_485_760),
      default: 262_144,
      description: '`serve`: largest request body accepted (bigger webhook bodies get 413)',
    }),
    shutdownTimeoutMs: option({
      schema: z.number().int().min(0).max(600_000),
      default: 30_000,
      description:
        '`serve`: on SIGTERM/SIGINT, how long running runs may take to finish or checkpoint before exit',
    }),
    apiToken: option({
      schema: z.string().min(16, { error: 'too short — use at least 16 random characters' }),
      env: 'NOTION_SYNC_API_TOKEN',
      secret: true,
      description: 'Bearer token of the REST API under /api/v1 (`serve`)',
    }),
  },
  runner: option({
    schema: z.enum(['local', 'distributed']),
    default: 'local',
    env: 'NOTION_SYNC_RUNNER',
    description:
      '`serve`: `local` runs jobs in the process; `distributed` queues them in the PostgreSQL store for `notion-sync worker` processes (needs a postgres:// store)',
  }),
  worker: {
    concurrency: option({
      schema: z.number().int().min(1).max(64),
      default: 2,
      env: 'NOTION_SYNC_WORKER_CONCURRENCY',
      description:
        '`worker`: bulk jobs (schedules, backfills) one worker process runs at once; also `worker --concurrency`',
    }),
    interactiveConcurrency: option({
      schema: z.number().int().min(1).max(64),
      default: 1,
      env: 'NOTION_SYNC_WORKER_INTERACTIVE_CONCURRENCY',
      description:
        '`worker`: interactive jobs (API, MCP, console, webhook refreshes) it runs at once in slots of their own, beside the bulk ones, so they never wait behind a backfill',
    }),
    port: option({
      schema: z.number().int().min(0).max(65535),
      default: 8788,
      env: 'NOTION_SYNC_WORKER_PORT',
      description:
        '`worker`: TCP port of its /metrics and /healthz (0 picks a free one); also `worker --port`',
    }),
    host: option({
      schema: z.string().min(1),
      default: '127.0.0.1',
      env: 'NOTION_SYNC_WORKER_HOST',
      description: '`worker`: address its /metrics and /healthz listen on',
    }),
    heartbeatSeconds: option({
      schema: z.number().int().min(10).max(3600),
      default: 30,
      env: 'NOTION_SYNC_WORKER_HEARTBEAT_SECONDS',
      description:
        '`runner: distributed`: a running job whose worker is silent this long is given to another worker, which resumes it from its checkpoint',
    }),
    retryLimit: option({
      schema: z.number().int().min(0).max(100),
      default: 3,
      env: 'NOTION_SYNC_WORKER_RETRY_LIMIT',
      description:
        '`runner: distributed`: times a failing job is retried before it moves to the dead letter queue shown by `status`',
    }),
    retryDelaySeconds: option({
      schema: z.number().int().min(0).max(3600),
      default: 10,
      env: 'NOTION_SYNC_WORKER_RETRY_DELAY_SECONDS',
      description:
        '`runner: distributed`: seconds before a failed job, or one whose worker went silent, is tried again',
    }),
  },
  connections: option({
    schema: z.array(connectionSchema),
    default: [] as ConnectionConfig[],
    description:
      'Further token connections: a list of { name, tokenEnv } — the token is read from the environment variable `tokenEnv`',
  }),
  sources: option({
    schema: sourcesSchema,
    default: [] as SourceConfig[],
    description: 'What to sync: a list of { name, database | dataSource | page, … } entries',
  }),
} as const;

type Declaration = typeof declaration;
type ConfigOf<D> = {
  -readonly [K in keyof D]: D[K] extends { kind: 'option'; schema: infer S extends z.ZodType }
    ? D[K] extends { readonly default: unknown }
      ? z.output<S>
      : z.output<S> | undefined
    : ConfigOf<D[K]>;
};

/** The effective configuration: defaults, then the file, then the environment, then flags. */
export type Config = ConfigOf<Declaration>;

export interface OptionEntry {
  /** Path in the config file, e.g. `notion.baseUrl`. */
  key: string;
  path: string[];
  spec: OptionSpec;
  /** The global CLI flag, e.g. `--notion-base-url`, when the option has one. */
  flag?: string;
}

function kebab(segment: string): string {
  return segment.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Every option, flattened, in declaration order. */
export function listOptions(node: object = declaration, prefix: string[] = []): OptionEntry[] {
  const out: OptionEntry[] = [];
  for (const [name, child] of Object.entries(node)) {
    const path = [...prefix, name];
    if ((child as OptionSpec).kind === 'option') {
      const spec = child as OptionSpec;
      const entry: OptionEntry = { key: path.join('.'), path, spec };
      if (spec.flag) entry.flag = `--${path.map(kebab).join('-')}`;
      out.push(entry);
    } else out.push(...listOptions(child as object, path));
  }
  return out;
}
