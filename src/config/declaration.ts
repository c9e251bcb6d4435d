import { Cron } from 'croner';
import { z } from 'zod';
import { parseDuration } from '../shared/duration.ts';
import { isNotionId } from '../shared/notion-id.ts';
import { declaredSchemaSchema, retentionSchema } from './declared-schema.ts';

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
  if (parseDuration(value) !== undefined) return true;
  try {
    new Cron(value, { paused: true });
    return true;
  } catch {
    return false;
  }
}

export const NOTION_VERSIONS = ['2025-09-03', '2026-03-11'] as const;
export type NotionVersion = (typeof NOTION_VERSIONS)[number];
export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug', 'trace'] as const;

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
    schedule: z
      .string()
      .refine(isSchedule, {
        error: 'not a schedule — use a cron expression or a duration like 15m',
      })
      .optional()
      .describe('When `serve` runs this source: cron expression or interval (15m)'),
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
    syncKeyProperty: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe(
        'Text property holding the sync key of pages push creates (default "notion-sync key"; added on first push)',
      ),
  })
  .strict()
  .superRefine((source, ctx) => {
    const given = (['database', 'dataSource', 'page'] as const).filter((k) => source[k]);
    if (source.schema && source.page) {
      ctx.addIssue({
        code: 'custom',
        path: ['schema'],
        message: 'a page tree has no schema: declare `schema:` on a database source',
      });
    }
    if (given.length === 0 && source.schema) {
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
