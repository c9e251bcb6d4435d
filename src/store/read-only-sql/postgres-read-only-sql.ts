// PostgreSQL side of read-only SQL. Statements run on connections of their own that log in AS the
// role `<schema>_reader_<database tag>` (LOGIN, member of nothing, SELECT on the source views only), so nothing a
// statement does — not even `set_config('role', …)` — can reach the engine's tables: the session
// user itself has no other rights. Each statement runs in a READ ONLY transaction with a
// `statement_timeout`, through the extended protocol (one statement only), and is rolled back.
// The store's user creates the role once (it needs CREATEROLE) and keeps the grants following
// the views; the role's password is derived from the store URL, so every process sharing the
// store agrees on it and no agent can learn it.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { NotionSyncError } from '../../errors.ts';
import { quoteIdentifier, quoteLiteral } from '../dialect.ts';
import { survivingIdleErrors } from '../postgres-dialect.ts';
import { jsonCell, type ReadOnlySqlRunner, sqlRefused } from './read-only-sql.ts';

function readerUrl(connectionString: string, role: string, password: string): string {
  const url = new URL(connectionString);
  url.username = encodeURIComponent(role);
  url.password = encodeURIComponent(password);
  return url.toString();
}

export function createPostgresReadOnlySql(
  connectionString: string,
  schema: string,
): ReadOnlySqlRunner {
  // Roles are cluster-wide: the database's name in the role keeps two stores apart.
  const database = decodeURIComponent(new URL(connectionString).pathname.slice(1)) || 'postgres';
  const tag = createHash('sha256').update(database).digest('hex').slice(0, 6);
  const role = `${schema.slice(0, 48)}_reader_${tag}`;
  // Derived from the store user's credentials: the same for every process of this store,
  // whatever host alias its URL uses, and unknown to anyone without them.
  const url = new URL(connectionString);
  const password = createHash('sha256')
    .update(`${url.username}\0${url.password}\0${database}\0${role}`)
    .digest('hex');
  const admin = survivingIdleErrors(new pg.Pool({ connectionString, max: 1 }));
  const reader = survivingIdleErrors(
    new pg.Pool({
      connectionString: readerUrl(connectionString, role, password),
      max: 2,
    }),
  );
  let granted = '';

  async function grant(views: string[]): Promise<void> {
    const key = views.join(',');
    if (key === granted) return;
    const r = quoteIdentifier(role);
    const s = quoteIdentifier(schema);
    const client = await admin.connect();
    try {
      await client.query(
        `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${quoteLiteral(role)}) THEN CREATE ROLE ${r}; END IF; END $$`,
      );
      await client.query(
        `ALTER ROLE ${r} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD ${quoteLiteral(password)}`,
      );
      await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${r}`);
      await client.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}`);
      for (const view of views) {
        await client.query(`GRANT SELECT ON ${s}.${quoteIdentifier(view)} TO ${r}`);
      }
    } catch (cause) {
      throw new NotionSyncError(
        'store_error',
        `SQL queries need a PostgreSQL role that may only read the views (${role}); the store's user could not create or grant it. Give the user CREATEROLE, or create the role once as an administrator.`,
        { details: { role }, cause },
      );
    } finally {
      client.release();
    }
    granted = key;
  }

  async function connectReader(): Promise<pg.PoolClient> {
    try {
      return await reader.connect();
    } catch (cause) {
      throw new NotionSyncError(
        'store_error',
        `SQL queries log in to PostgreSQL as ${role}, which failed: allow that role to connect with a password (pg_hba.conf) like the store's user.`,
        { details: { role }, cause },
      );
    }
  }

  return {
    async run(query, options) {
      await grant(options.views);
      const client = await connectReader();
      try {
        await client.query('BEGIN READ ONLY');
        await client.query(
          `SET LOCAL statement_timeout = ${Math.max(1, Math.round(options.timeoutMs))}`,
        );
        await client.query(`SET LOCAL search_path = ${quoteIdentifier(schema)}`);
        const result = await client.query({
          text: `SELECT * FROM (${query}\n) AS q LIMIT ${options.maxRows + 1}`,
          values: [],
          queryMode: 'extended',
        } as pg.QueryConfig);
        const rows = result.rows
          .slice(0, options.maxRows)
          .map((row: Record<string, unknown>) =>
            Object.fromEntries(Object.entries(row).map(([k, v]) => [k, jsonCell(v)])),
          );
        return {
          columns: result.fields.map((f) => f.name),
          rows,
          truncated: result.rows.length > options.maxRows,
        };
      } catch (error) {
        throw refusal(error, options);
      } finally {
        await client.query('ROLLBACK').catch(() => {});
        client.release();
      }
    },
    close: async () => {
      await Promise.all([admin.end(), reader.end()]);
    },
  };
}

function refusal(error: unknown, options: { views: string[]; timeoutMs: number }): Error {
  if (error instanceof NotionSyncError) return error;
  const e = error as { code?: string; message?: string };
  if (e.code === '57014') {
    return sqlRefused(
      `it ran longer than ${options.timeoutMs} ms and was stopped; add a LIMIT or a narrower WHERE.`,
      { timeoutMs: options.timeoutMs },
    );
  }
  if (e.code === '42501' || e.code === '25006') {
    return sqlRefused(
      `it may only read the source views (${options.views.join(', ')}): ${e.message}.`,
    );
  }
  return sqlRefused(`${e.message ?? 'the statement failed'}.`);
}
