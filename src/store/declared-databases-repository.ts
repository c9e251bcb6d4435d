// Databases `notion-sync init` created or manages, by source name. One row per source; recording
// again replaces it (a re-created database is an explicit rebind of the source).
import { toJsonText } from './json-columns.ts';
import type { RepositoryContext } from './repository-context.ts';

export interface DeclaredDatabase {
  sourceName: string;
  databaseId: string;
  dataSourceId: string;
  /** The config's `database:` / `dataSource:` id when init ran; null when created from `schema:`. */
  configuredId: string | null;
  /** Declared property name → Notion property id. */
  propertyIds: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export type RecordDeclaredDatabaseInput = Omit<DeclaredDatabase, 'createdAt' | 'updatedAt'>;

export interface DeclaredDatabasesRepository {
  get(sourceName: string): Promise<DeclaredDatabase | null>;
  list(): Promise<DeclaredDatabase[]>;
  /** Inserts or replaces the row of `sourceName`; `createdAt` changes when the database did. */
  record(input: RecordDeclaredDatabaseInput): Promise<DeclaredDatabase>;
}

function parseIds(text: string): Record<string, string> {
  const value = JSON.parse(text) as unknown;
  return value && typeof value === 'object' ? (value as Record<string, string>) : {};
}

export function createDeclaredDatabasesRepository(
  ctx: RepositoryContext,
): DeclaredDatabasesRepository {
  const { dialect } = ctx;
  const select = () => dialect.db.selectFrom('declared_databases').selectAll();
  const toDeclared = (
    row: Awaited<ReturnType<ReturnType<typeof select>['executeTakeFirstOrThrow']>>,
  ) => ({
    sourceName: row.source_name,
    databaseId: row.database_id,
    dataSourceId: row.data_source_id,
    configuredId: row.configured_id,
    propertyIds: parseIds(String(row.property_ids)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
  return {
    get: async (name) => {
      const row = await select().where('source_name', '=', name).executeTakeFirst();
      return row ? toDeclared(row) : null;
    },
    list: async () => (await select().orderBy('source_name').execute()).map(toDeclared),
    record: (input) =>
      dialect.transaction(async (trx) => {
        const now = ctx.now();
        const existing = await trx
          .selectFrom('declared_databases')
          .selectAll()
          .where('source_name', '=', input.sourceName)
          .executeTakeFirst();
        const values = {
          database_id: input.databaseId,
          data_source_id: input.dataSourceId,
          configured_id: input.configuredId,
          property_ids: toJsonText(input.propertyIds),
          updated_at: now,
        };
        const createdAt =
          existing && existing.database_id === input.databaseId ? existing.created_at : now;
        if (existing) {
          await trx
            .updateTable('declared_databases')
            .set({ ...values, created_at: createdAt })
            .where('source_name', '=', input.sourceName)
            .execute();
        } else {
          await trx
            .insertInto('declared_databases')
            .values({ source_name: input.sourceName, ...values, created_at: createdAt })
            .execute();
        }
        return { ...input, createdAt, updatedAt: now };
      }),
  };
}
