import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RequestLogEntry } from '../app.ts';
import type { FaultInjector, FaultRule } from '../faults.ts';
import type { DownloadFault, FileDownloadEntry, FileHost } from '../file-host.ts';
import { fileBytes } from '../file-uploads.ts';
import { newId, newToken, normalizeId } from '../ids.ts';
import type { EmulatorOAuth } from '../oauth/oauth.ts';
import { createPage, detachFromParent, parseProperties, writeProperties } from '../page-writes.ts';
import type { RateLimiter } from '../rate-limiter.ts';
import type { WorkspaceState } from '../state.ts';
import type { EventAuthor } from '../webhooks/events.ts';
import type { EmulatorWebhooks } from '../webhooks/webhooks.ts';
import { personAvatarUrl, type Workspace } from '../workspace.ts';
import type { ActAsUserInput, ActAsUserResult } from './act-as-user.ts';

/** A deep copy of the whole emulator state (workspace and clock offset). */
export interface EmulatorSnapshot {
  format: 1;
  state: WorkspaceState;
  clockOffsetMs: number;
}

export interface EmulatorClockControl {
  /** Milliseconds added to the injected clock. */
  readonly offsetMs: number;
  advance(ms: number): void;
  setOffset(ms: number): void;
}

/** Test and operator controls; the same operations are served under `/__emulator/`. */
export interface EmulatorControl {
  /** Back to the state right after start (seed included); clears log, faults and rate buckets. */
  reset(): void;
  snapshot(): EmulatorSnapshot;
  restore(snapshot: EmulatorSnapshot): void;
  saveState(file: string): Promise<void>;
  loadState(file: string): Promise<void>;
  requestLog(): RequestLogEntry[];
  clearRequestLog(): void;
  clock: EmulatorClockControl;
  createIntegration(name: string): { id: string; token: string };
  revokeToken(token: string): boolean;
  /** Shares a page, database or data source (and what it contains); default integration if omitted. */
  share(objectId: string, integrationId?: string): void;
  unshare(objectId: string, integrationId?: string): void;
  /** Permanently deletes everything in the trash (then 404 for every API call). */
  emptyTrash(): { deleted: number };
  setFaults(rules: readonly FaultRule[]): void;
  clearFaults(): void;
  faults(): FaultRule[];
  createUser(input: { name: string; email: string }): { id: string };
  /** Creates rows with pages.create validation, fast (no HTTP); returns their ids in order. */
  bulkCreatePages(
    dataSourceId: string,
    propertiesList: readonly Record<string, unknown>[],
    options?: { integrationId?: string },
  ): string[];
  /** Bytes of an uploaded file (what the hosted file URLs serve). */
  downloadFile(fileUploadId: string): { bytes: Buffer; contentType: string } | undefined;
  /** Answers a hosted file URL (`GET /__emulator/files/<id>/<name>?<signature>`); logged, no API call. */
  serveFile(fileUploadId: string, name: string, query: URLSearchParams): Response;
  /** Downloads of hosted files, oldest first (they are not in `requestLog`). */
  downloadLog(): FileDownloadEntry[];
  clearDownloadLog(): void;
  /** The next `times` downloads send `afterBytes` bytes, then the connection drops (or, with `stall`, hangs). */
  failDownloads(fault: DownloadFault): void;
  /** Removes a file's bytes from storage, as a file deleted in Notion: its URLs answer 404. */
  removeFileBytes(fileUploadId: string): boolean;
  /** Edits properties as a Notion person (last_edited_by = that user). */
  editAsUser(pageId: string, properties: Record<string, unknown>, userId?: string): void;
  /**
   * Any API request as a Notion person would do it in the app (moves, trash, schema and
   * content edits, comments): Notion's validation, that person as author, webhook events.
   */
  actAsUser(input: ActAsUserInput): ActAsUserResult;
  webhooks: EmulatorWebhooks;
  oauth: EmulatorOAuth;
}

export interface ControlDeps {
  ws: Workspace;
  log: RequestLogEntry[];
  faults: FaultInjector;
  rateLimiter: () => RateLimiter | undefined;
  clockOffset: { ms: number };
  initial: () => EmulatorSnapshot;
  webhooks: EmulatorWebhooks;
  /** Forgets pending deliveries (the workspace they were about is gone). */
  clearDeliveries: () => void;
  observe: <T>(author: EventAuthor, write: () => T) => T;
  actAsUser: (input: ActAsUserInput) => ActAsUserResult;
  oauth: EmulatorOAuth;
  files: FileHost;
}

function requireId(value: string, what: string): string {
  const id = normalizeId(value);
  if (!id) throw new Error(`${what} is not a Notion id: ${value}`);
  return id;
}

function collectTrash(ws: Workspace): Set<string> {
  const doomed = new Set<string>();
  const s = ws.state;
  const mark = (id: string) => {
    if (doomed.has(id)) return;
    doomed.add(id);
    const found = ws.findObject(id);
    if (!found) return;
    if (found.kind === 'page' || found.kind === 'block')
      for (const child of found.record.childIds) mark(child);
    if (found.kind === 'database') for (const ds of found.record.dataSourceIds) mark(ds);
    if (found.kind === 'data_source') for (const row of found.record.rowIds) mark(row);
  };
  for (const map of [s.pages, s.blocks, s.databases, s.dataSources]) {
    for (const record of Object.values(map)) if (record.inTrash) mark(record.id);
  }
  return doomed;
}

/** A state file's snapshot; errors name the file but never quote its content. */
function parseSnapshot(text: string, file: string): EmulatorSnapshot {
  try {
    return JSON.parse(text) as EmulatorSnapshot;
  } catch {
    throw new Error(`${file} is not an emulator state file (it is not JSON).`);
  }
}

export function createControl(deps: ControlDeps): EmulatorControl {
  const { ws } = deps;
  const defaultIntegration = () => ws.state.defaultIntegrationId;
  const snapshot = (): EmulatorSnapshot => ({
    format: 1,
    state: structuredClone(ws.state),
    clockOffsetMs: deps.clockOffset.ms,
  });
  const restore = (snap: EmulatorSnapshot) => {
    if (snap?.format !== 1 || typeof snap.state !== 'object')
      throw new Error('not an emulator snapshot (expected format 1)');
    deps.clockOffset.ms = snap.clockOffsetMs ?? 0;
    ws.replace(structuredClone(snap.state));
    deps.clearDeliveries();
    ws.touch();
  };
  const control: EmulatorControl = {
    reset() {
      restore(deps.initial());
      deps.log.length = 0;
      deps.files.log.length = 0;
      deps.files.faults.length = 0;
      deps.faults.clear();
      deps.rateLimiter()?.reset();
    },
    snapshot,
    restore,
    async saveState(file) {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify(snapshot()), 'utf8');
    },
    async loadState(file) {
      restore(parseSnapshot(await readFile(file, 'utf8'), file));
    },
    requestLog: () => deps.log.map((entry) => ({ ...entry })),
    clearRequestLog() {
      deps.log.length = 0;
    },
    clock: {
      get offsetMs() {
        return deps.clockOffset.ms;
      },
      advance(ms) {
        deps.clockOffset.ms += ms;
      },
      setOffset(ms) {
        deps.clockOffset.ms = ms;
      },
    },
    createIntegration(name) {
      const id = newId();
      const token = newToken();
      ws.state.users[id] = { id, type: 'bot', name, avatarUrl: null, integrationId: id };
      ws.state.integrations[id] = { id, name, tokens: [] };
      ws.addToken(id, token);
      ws.touch();
      return { id, token };
    },
    revokeToken: (token) => ws.revokeToken(token),
    share(objectId, integrationId) {
      ws.setShared(requireId(objectId, 'objectId'), integrationId ?? defaultIntegration(), true);
    },
    unshare(objectId, integrationId) {
      ws.setShared(requireId(objectId, 'objectId'), integrationId ?? defaultIntegration(), false);
    },
    emptyTrash() {
      const doomed = collectTrash(ws);
      const s = ws.state;
      for (const id of doomed) {
        const found = ws.findObject(id);
        if (found && found.kind !== 'data_source') detachFromParent(ws, id, found.record.parent);
        if (found?.kind === 'data_source') {
          const db = s.databases[found.record.databaseId];
          if (db) db.dataSourceIds = db.dataSourceIds.filter((x) => x !== id);
        }
      }
      for (const view of Object.values(s.views)) {
        if (doomed.has(view.databaseId) || doomed.has(view.dataSourceId)) delete s.views[view.id];
      }
      for (const id of doomed) {
        delete s.pages[id];
        delete s.blocks[id];
        delete s.databases[id];
        delete s.dataSources[id];
      }
      ws.touch();
      return { deleted: doomed.size };
    },
    setFaults: (rules) => deps.faults.set(rules),
    clearFaults: () => deps.faults.clear(),
    faults: () => deps.faults.rules(),
    createUser(input) {
      const id = newId();
      ws.state.users[id] = {
        id,
        type: 'person',
        name: input.name,
        avatarUrl: personAvatarUrl(id),
        email: input.email,
      };
      ws.touch();
      return { id };
    },
    bulkCreatePages(dataSourceId, propertiesList, options = {}) {
      const ds = ws.state.dataSources[requireId(dataSourceId, 'dataSourceId')];
      if (!ds) throw new Error(`no data source ${dataSourceId}`);
      const createdBy = options.integrationId ?? defaultIntegration();
      const parsed = propertiesList.map((properties, i) =>
        parseProperties(ws, ds, properties, `propertiesList[${i}]`),
      );
      const ids = deps.observe({ id: createdBy, type: 'bot' }, () =>
        parsed.map(
          (values) =>
            createPage(ws, { parent: { type: 'data_source_id', id: ds.id }, ds, values, createdBy })
              .id,
        ),
      );
      ws.touch();
      return ids;
    },
    downloadFile(fileUploadId) {
      const upload = ws.state.fileUploads[normalizeId(fileUploadId) ?? ''];
      if (upload?.status !== 'uploaded' || upload.contentBase64 === null) return undefined;
      return {
        bytes: fileBytes(upload),
        contentType: upload.contentType ?? 'application/octet-stream',
      };
    },
    serveFile: (fileUploadId, name, query) =>
      deps.files.serve(normalizeId(fileUploadId) ?? fileUploadId, name, query),
    downloadLog: () => deps.files.log.map((entry) => ({ ...entry })),
    clearDownloadLog() {
      deps.files.log.length = 0;
    },
    failDownloads(fault) {
      const uploadId = fault.uploadId === undefined ? undefined : normalizeId(fault.uploadId);
      deps.files.faults.push({ ...fault, ...(uploadId ? { uploadId } : {}) });
    },
    removeFileBytes(fileUploadId) {
      const upload = ws.state.fileUploads[normalizeId(fileUploadId) ?? ''];
      if (!upload) return false;
      upload.contentBase64 = null;
      return true;
    },
    editAsUser(pageId, properties, userId) {
      const page = ws.state.pages[requireId(pageId, 'pageId')];
      if (!page) throw new Error(`no page ${pageId}`);
      const editor = userId ?? Object.values(ws.state.users).find((u) => u.type === 'person')?.id;
      if (!editor || !ws.state.users[editor])
        throw new Error(`no user ${userId ?? '(no person user exists)'}`);
      const ds =
        page.parent.type === 'data_source_id' ? ws.state.dataSources[page.parent.id] : undefined;
      const values = parseProperties(ws, ds, properties);
      deps.observe({ id: editor, type: 'person' }, () => {
        // Looked up again inside the write, so change tracking sees the page being touched.
        const target = ws.state.pages[page.id] ?? page;
        writeProperties(ws, target, values, editor);
        target.lastEditedTime = ws.now();
        target.lastEditedBy = editor;
      });
      ws.touch();
    },
    actAsUser: (input) => deps.actAsUser(input),
    webhooks: deps.webhooks,
    oauth: deps.oauth,
  };
  return control;
}
