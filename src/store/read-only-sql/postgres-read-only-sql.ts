// PostgreSQL side of read-only SQL: a pool of its own; each statement runs in a READ ONLY
// transaction with a `statement_timeout`, as a NOLOGIN role (`<schema>_reader`) that holds
// SELECT on the source views and nothing else, through the extended protocol (one statement
// only), and is rolled back. The role is created once per schema; the grants follow the views.
import pg from 'pg';
import { NotionSyncError } from '../../errors.ts';
import { quoteIdentifier } from '../dialect.ts';
import { jsonCell, type ReadOnlySqlRunner, sqlRefused } from './read-only-sql.ts';

export function createPostgresReadOnlySql(
  connectionString: string,
  schema: string,
): ReadOnlySqlRunner {
  const pool = new pg.Pool({ connectionString, max: 2 });
  const role = `${schema}_reader`.slice(0, 63);
  let granted = '';

  async function grant(client: pg.PoolClient, views: string[]): Promise<void> {
    const key = views.join(',');
    if (key === granted) return;
    const r = quoteIdentifier(role);
    const s = quoteIdentifier(schema);
    try {
      await client.query(
        `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${r} NOLOGIN; END IF; END $$`,
      );
      await client.query(`GRANT ${r} TO CURRENT_USER`).catch(() => {});
      await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${r}`);
      await client.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}`);
      for (const view of views)
        await client.query(`GRANT SELECT ON ${s}.${quoteIdentifier(view)} TO ${r}`);
    } catch (cause) {
      throw new NotionSyncError(
        'store_error',
        `SQL queries need a PostgreSQL role that may only read the views (${role}); the store's user could not create or grant it. Give the user CREATEROLE, or create the role once as an administrator.`,
        { details: { role }, cause },
      );
    }
    granted = key;
  }

  return {
    async run(query, options) {
      const client = await pool.connect();
      try {
        await grant(client, options.views);
        await client.query('BEGIN READ ONLY');
        await client.query(
          `SET LOCAL statement_timeout = ${Math.max(1, Math.round(options.timeoutMs))}`,
        );
        await client.query(`SET LOCAL search_path = ${quoteIdentifier(schema)}`);
        await client.query(`SET LOCAL ROLE ${quoteIdentifier(role)}`);
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
        if (error instanceof NotionSyncError) throw error;
        const e = error as { code?: string; message?: string };
        if (e.code === '57014') {
          throw sqlRefused(
            `it ran longer than ${options.timeoutMs} ms and was stopped; add a LIMIT or a narrower WHERE.`,
            { timeoutMs: options.timeoutMs },
          );
        }
        if (e.code === '42501' || e.code === '25006') {
          throw sqlRefused(
            `it may only read the source views (${options.views.join(', ')}): ${e.message}.`,
          );
        }
        throw sqlRefused(`${e.message ?? 'the statement failed'}.`);
      } finally {
        await client.query('ROLLBACK').catch(() => {});
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
