// Local files set on a `files` property (`set … Receipt=./scan.pdf`). At edit time the bytes are
// copied into the file store (so the edit no longer depends on the path), and the value names
// them by SHA-256. At push time each is uploaded (notion/file-upload.ts) and attached by its
// upload id; a push interrupted before the write uploads again (an unattached upload expires in
// Notion), and the write sets the whole property, so a file is never attached twice. The
// version push records refers to the same stored bytes: no download follows.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { PageObjectResponse } from '@notionhq/client';
import { NotionSyncError } from '../../errors.ts';
import {
  type PlainFile,
  type PlainValue,
  uploadLocalFile,
  workspaceFileLimit,
} from '../../notion/index.ts';
import type { JsonValue, SourceSchema, Store } from '../store-api.ts';
import { DEFAULT_FILES_SETTINGS } from './files-settings.ts';
import { fileRefsOfPage, toRefInput } from './row-file-refs.ts';

const isFileList = (value: unknown): value is PlainFile[] =>
  Array.isArray(value) && value.every((f) => typeof f === 'object' && f !== null && 'name' in f);

/**
 * Refuses local files where they make no sense or would be a risk: an agent's staged edit (the
 * path would be read on the approver's machine) or a conflict resolution. `value_invalid`.
 */
export function refuseLocalFiles(values: Record<string, unknown>, where: string): void {
  for (const [name, value] of Object.entries(values)) {
    if (!isFileList(value) || !value.some(isLocalFile)) continue;
    throw new NotionSyncError(
      'value_invalid',
      `${name}: ${where} takes file links (https://…) only, not local files; attach a local file with \`notion-sync set\`.`,
      { details: { property: name } },
    );
  }
}

/** Items that name a local file (a path, or bytes already kept under a hash). */
export function isLocalFile(file: PlainFile): boolean {
  return file.hash !== undefined || file.path !== undefined;
}

async function keepOne(store: Store, file: PlainFile, baseDir: string): Promise<PlainFile> {
  if (file.path === undefined) return file;
  const path = resolve(baseDir, file.path);
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) {
    throw new NotionSyncError(
      'value_invalid',
      `${file.path} is not a file (looked at ${path}); give the path of a local file or an https:// URL.`,
      { details: { path: file.path } },
    );
  }
  const stored = await store.blobs.write(createReadStream(path));
  await store.files.recordFile({ ...stored, contentType: null });
  return { name: file.name || basename(path), url: '', hash: stored.hash };
}

/**
 * Values with every local path of a `files` property replaced by the stored bytes' hash.
 * Errors: `value_invalid` (no such file), `file_store_full`.
 */
export async function keepLocalFiles(
  store: Store,
  schema: SourceSchema,
  values: Record<string, PlainValue>,
  baseDir = process.cwd(),
): Promise<Record<string, PlainValue>> {
  const out = { ...values };
  for (const [key, value] of Object.entries(values)) {
    const property =
      schema.properties[key] ?? Object.values(schema.properties).find((p) => p.name === key);
    if (property?.type !== 'files' || !isFileList(value)) continue;
    out[key] = await Promise.all(value.map((file) => keepOne(store, file, baseDir)));
  }
  return out;
}

/** Uploads the local files among `writes` and returns the writes naming their upload ids. */
export async function uploadLocalFiles(
  store: Store,
  notion: Parameters<typeof uploadLocalFile>[0],
  writes: Record<string, JsonValue>,
): Promise<{ writes: Record<string, JsonValue>; uploaded: Map<string, string> }> {
  const out = { ...writes };
  const uploaded = new Map<string, string>();
  let limit: number | null | undefined;
  for (const [id, value] of Object.entries(writes)) {
    const list: unknown = value;
    if (!isFileList(list) || !list.some((f) => f.hash)) continue;
    limit ??= await workspaceFileLimit(notion);
    const files: PlainFile[] = [];
    for (const [n, file] of list.entries()) {
      if (!file.hash) {
        files.push(file);
        continue;
      }
      const hash = file.hash;
      const row = await store.files.getFile(hash);
      if (!row)
        throw new NotionSyncError(
          'file_not_found',
          `The local file ${file.name} (${hash}) is no longer in the file store; set the property again.`,
        );
      const uploadId = await uploadLocalFile(
        notion,
        {
          name: file.name,
          sizeBytes: row.sizeBytes,
          contentType: row.contentType,
          open: () => store.blobs.open(hash),
        },
        limit,
      );
      uploaded.set(`property:${id}:${n}`, hash);
      files.push({ name: file.name, url: '', fileUploadId: uploadId });
    }
    out[id] = files as unknown as JsonValue;
  }
  return { writes: out, uploaded };
}

/** The file references of the version push recorded: uploaded slots name the kept bytes. */
export async function recordPushedFiles(
  store: Store,
  schema: SourceSchema,
  versionId: number | undefined,
  recordId: number,
  page: PageObjectResponse,
  uploaded: Map<string, string>,
): Promise<void> {
  if (versionId === undefined) return;
  const refs = fileRefsOfPage(page, schema, null).map((ref) => ({
    ...toRefInput(ref, DEFAULT_FILES_SETTINGS),
    ...(uploaded.has(ref.slot) ? { hash: uploaded.get(ref.slot)! } : {}),
  }));
  if (refs.length > 0) await store.files.insertRefs([{ versionId, recordId, refs }]);
}

/** The hosted file at `index` of a `files` property of a page just read, with its fresh URL. */
function liveFileUrl(page: PageObjectResponse, propertyId: string, index: number): string | null {
  const value = Object.values(page.properties).find((p) => p.id === propertyId) as
    | { files?: { type?: string; file?: { url?: string } }[] }
    | undefined;
  const item = value?.files?.[index];
  return item?.type === 'file' ? (item.file?.url ?? null) : null;
}

/**
 * Live values in which a `files` property that already holds exactly the local files (same
 * names, same bytes) shows the local value: a push that wrote them and stopped before it could
 * record so (a crash, a lost answer) then finds nothing left to write instead of a conflict, and
 * never attaches the files a second time. Costs a download only when the names match.
 */
export async function recognizeWrittenFiles(
  store: Store,
  notion: { openFile(url: string): Promise<{ body: AsyncIterable<Uint8Array> }> },
  set: Record<string, JsonValue>,
  live: { page: PageObjectResponse; values: Record<string, JsonValue> },
): Promise<Record<string, JsonValue>> {
  const values = { ...live.values };
  for (const [id, local] of Object.entries(set)) {
    const current = live.values[id] as unknown;
    const localList: unknown = local;
    if (!isFileList(localList) || !isFileList(current) || !localList.some((f) => f.hash)) continue;
    if (current.length !== localList.length) continue;
    if (current.some((f, n) => f.name !== localList[n]!.name)) continue;
    let same = true;
    for (const [n, file] of localList.entries()) {
      if (!file.hash) continue;
      const url = liveFileUrl(live.page, id, n);
      const stored = url ? await store.blobs.write((await notion.openFile(url)).body) : null;
      if (stored?.hash !== file.hash) {
        same = false;
        break;
      }
    }
    if (same) values[id] = local;
  }
  return values;
}
