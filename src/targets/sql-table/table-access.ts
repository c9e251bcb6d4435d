// Where a user's table lives and how a batch of writes to it commits. In the store's database the
// writes and their bookkeeping commit in ONE transaction. In another database they cannot: the
// bookkeeping is written after the table's transaction commits, and inserts announce an intent in
// the store first, so a crash in between is adopted by the next scan instead of duplicated.
import type {
  DialectName,
  SqlConnection,
  Store,
  TargetItemInput,
  TargetItemsWriter,
  UserDatabase,
} from '../../store/index.ts';

export type Bookkeeping = { put: TargetItemInput } | { remove: number };

export interface TableAccess {
  readonly dialect: DialectName;
  /** True when the table lives in the store's database. */
  readonly sameDatabase: boolean;
  reader(): UserDatabase;
  /** Runs `fn` in one transaction on the table's database, then records its bookkeeping. */
  batch(fn: (db: UserDatabase) => Promise<Bookkeeping[]>): Promise<void>;
  /** Records bookkeeping on its own (intents, parked items). */
  record(entries: Bookkeeping[]): Promise<void>;
  close(): Promise<void>;
}

async function apply(writer: TargetItemsWriter, entries: Bookkeeping[]): Promise<void> {
  // A record is either put or removed within one batch, so puts and removes commute.
  await writer.putMany(entries.flatMap((e) => ('put' in e ? [e.put] : [])));
  for (const entry of entries) if ('remove' in entry) await writer.remove(entry.remove);
}

export function createTableAccess(store: Store, connection: SqlConnection | null): TableAccess {
  const record = (entries: Bookkeeping[]) => apply(store.targets, entries);
  if (!connection) {
    return {
      dialect: store.dialect,
      sameDatabase: true,
      reader: () => store.targets.database(),
      batch: (fn) => store.targets.transaction(async ({ db, items }) => apply(items, await fn(db))),
      record,
      close: async () => {},
    };
  }
  return {
    dialect: connection.dialect,
    sameDatabase: false,
    reader: () => connection.db,
    batch: async (fn) => record(await connection.db.transaction().execute(fn)),
    record,
    close: () => connection.close(),
  };
}
