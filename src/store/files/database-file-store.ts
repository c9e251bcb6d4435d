// Files in the database (`files.data`): the default for a PostgreSQL store, so every worker of
// the distributed runner reads the same files. The row is inserted in one statement once the
// bytes are complete and checked, so an interrupted write leaves nothing.
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { NotionSyncError } from '../../errors.ts';
import type { Database } from '../schema.ts';
import { bodyFailure, createByteCheck } from './checked-bytes.ts';
import { type FileStore, SHA256_HEX } from './file-store.ts';

export function createDatabaseFileStore(db: Kysely<Database>, now: () => string): FileStore {
  return {
    kind: 'database',
    location: 'the database',
    async write(body, options = {}) {
      const check = createByteCheck(options);
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of body) {
          check.add(chunk);
          chunks.push(Buffer.from(chunk));
        }
      } catch (error) {
        throw bodyFailure(error);
      }
      const stored = check.finish();
      await db
        .insertInto('files')
        .values({
          hash: stored.hash,
          size_bytes: stored.sizeBytes,
          content_type: null,
          data: Buffer.concat(chunks),
          created_at: now(),
        })
        .onConflict((oc) => oc.column('hash').doNothing())
        .execute();
      return stored;
    },
    async open(hash) {
      const row = SHA256_HEX.test(hash)
        ? await db.selectFrom('files').select('data').where('hash', '=', hash).executeTakeFirst()
        : undefined;
      if (!row?.data)
        throw new NotionSyncError('file_not_found', `No stored file ${hash} in the database.`);
      return Readable.from([Buffer.from(row.data)]);
    },
    async has(hash) {
      const row = await db
        .selectFrom('files')
        .select('hash')
        .where('hash', '=', hash)
        .where('data', 'is not', null)
        .executeTakeFirst();
      return row !== undefined;
    },
    async remove(hash) {
      await db.updateTable('files').set({ data: null }).where('hash', '=', hash).execute();
    },
    async *list() {
      const rows = await db
        .selectFrom('files')
        .select('hash')
        .where('data', 'is not', null)
        .execute();
      for (const row of rows) yield row.hash;
    },
  };
}
