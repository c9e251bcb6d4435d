import { type NotFoundKind, objectNotFound } from './errors.ts';
import { DEFAULT_FILE_UPLOAD_LIMIT_BYTES, hostedFile } from './file-uploads.ts';
import { newId, newToken } from './ids.ts';
import { type MentionResolver, plainText, textToRichText } from './rich-text.ts';
import type {
  BlockRecord,
  DatabaseRecord,
  DataSourceRecord,
  IntegrationRecord,
  JsonObject,
  PageRecord,
  WorkspaceState,
} from './state.ts';

export type FoundObject =
  | { kind: 'page'; record: PageRecord }
  | { kind: 'database'; record: DatabaseRecord }
  | { kind: 'data_source'; record: DataSourceRecord }
  | { kind: 'block'; record: BlockRecord };

/** Persons get an avatar URL like Notion-hosted ones (bots have none). */
export function personAvatarUrl(id: string): string {
  return `https://s3-us-west-2.amazonaws.com/public.notion-static.com/${id}/avatar.png`;
}

/** A fresh workspace: one person, the default integration and a root page shared with it. */
export function createInitialState(nowMs: number): WorkspaceState {
  const integrationId = newId();
  const ownerId = newId();
  const rootPageId = newId();
  const state: WorkspaceState = {
    format: 1,
    workspaceId: newId(),
    workspaceName: 'Emulated workspace',
    defaultIntegrationId: integrationId,
    rootPageId,
    users: {
      [ownerId]: {
        id: ownerId,
        type: 'person',
        name: 'Emulator Owner',
        avatarUrl: personAvatarUrl(ownerId),
        email: 'owner@example.com',
      },
      [integrationId]: {
        id: integrationId,
        type: 'bot',
        name: 'notion-sync emulator',
        avatarUrl: null,
        integrationId,
      },
    },
    integrations: {
      [integrationId]: { id: integrationId, name: 'notion-sync emulator', tokens: [newToken()] },
    },
    pages: {},
    databases: {},
    dataSources: {},
    blocks: {},
    comments: {},
    fileUploads: {},
    views: {},
    shares: { [integrationId]: [rootPageId] },
    revision: 0,
  };
  state.pages[rootPageId] = {
    id: rootPageId,
    parent: { type: 'workspace' },
    properties: { title: textToRichText('Emulator root') },
    icon: null,
    cover: null,
    createdTime: nowMs,
    lastEditedTime: nowMs,
    createdBy: ownerId,
    lastEditedBy: ownerId,
    inTrash: false,
    isLocked: false,
    isArchived: false,
    childIds: [],
  };
  return state;
}

/** The live workspace: state plus the indexes derived from it (rebuilt on restore). */
export class Workspace {
  state: WorkspaceState;
  readonly now: () => number;
  /** Finished async tasks (`allow_async`), by id; not part of snapshots. */
  readonly tasks = new Map<string, JsonObject>();
  /** Open view queries (`POST /v1/views/{id}/queries`): their frozen row ids; not in snapshots. */
  readonly viewQueries = new Map<string, { viewId: string; ids: string[]; expiresAt: number }>();
  /** Where Notion-hosted file URLs point (the emulator serves them under `/__emulator/files/`). */
  baseUrl = 'http://notion.emulator';
  /** `users.me` → `workspace_limits.max_file_upload_size_in_bytes` (a free workspace's 5 MiB by default). */
  fileUploadLimitBytes = DEFAULT_FILE_UPLOAD_LIMIT_BYTES;
  #tokens = new Map<string, string>();
  #shares = new Map<string, Set<string>>();

  constructor(state: WorkspaceState, now: () => number) {
    this.state = state;
    this.now = now;
    this.reindex();
  }

  replace(state: WorkspaceState): void {
    state.fileUploads ??= {};
    state.views ??= {};
    this.state = state;
    this.reindex();
  }

  reindex(): void {
    this.#tokens.clear();
    for (const integration of Object.values(this.state.integrations)) {
      for (const token of integration.tokens) this.#tokens.set(token, integration.id);
    }
    this.#shares.clear();
    for (const [integrationId, ids] of Object.entries(this.state.shares)) {
      this.#shares.set(integrationId, new Set(ids));
    }
  }

  /** Marks a write: query caches keyed on the revision become stale. */
  touch(): void {
    this.state.revision += 1;
  }

  /** The integration a live token belongs to (an expired OAuth access token has none). */
  integrationByToken(token: string): IntegrationRecord | undefined {
    const id = this.#tokens.get(token);
    const integration = id === undefined ? undefined : this.state.integrations[id];
    const expiresAt = integration?.tokenExpiresAt?.[token];
    return expiresAt !== undefined && expiresAt <= this.now() ? undefined : integration;
  }

  addToken(integrationId: string, token: string): void {
    this.state.integrations[integrationId]?.tokens.push(token);
    this.#tokens.set(token, integrationId);
  }

  revokeToken(token: string): boolean {
    const id = this.#tokens.get(token);
    const integration = id === undefined ? undefined : this.state.integrations[id];
    if (!integration) return false;
    integration.tokens = integration.tokens.filter((t) => t !== token);
    this.#tokens.delete(token);
    return true;
  }

  setShared(objectId: string, integrationId: string, shared: boolean): void {
    const set = this.#shares.get(integrationId) ?? new Set<string>();
    if (shared) set.add(objectId);
    else set.delete(objectId);
    this.#shares.set(integrationId, set);
    this.state.shares[integrationId] = [...set];
    this.touch();
  }

  findObject(id: string): FoundObject | undefined {
    const s = this.state;
    const page = s.pages[id];
    if (page) return { kind: 'page', record: page };
    const block = s.blocks[id];
    if (block) return { kind: 'block', record: block };
    const database = s.databases[id];
    if (database) return { kind: 'database', record: database };
    const dataSource = s.dataSources[id];
    if (dataSource) return { kind: 'data_source', record: dataSource };
    return undefined;
  }

  /** The id of the object that contains `id` (data sources sit in their database). */
  parentIdOf(id: string): string | undefined {
    const found = this.findObject(id);
    if (!found) return undefined;
    if (found.kind === 'data_source') return found.record.databaseId;
    const parent = found.record.parent;
    return parent.type === 'workspace' ? undefined : parent.id;
  }

  /**
   * Visible when the object or one of its ancestors is shared with the integration; a person
   * (acting through the control API) sees the whole workspace.
   */
  isVisible(id: string, integrationId: string): boolean {
    if (this.state.users[integrationId]?.type === 'person') return true;
    const shared = this.#shares.get(integrationId);
    if (!shared) return false;
    let current: string | undefined = id;
    for (let depth = 0; current !== undefined && depth < 1000; depth += 1) {
      if (shared.has(current)) return true;
      current = this.parentIdOf(current);
    }
    return false;
  }

  notFound(kind: NotFoundKind, id: string, integration: IntegrationRecord): never {
    throw objectNotFound(kind, id, integration);
  }

  page(id: string, actor: IntegrationRecord): PageRecord {
    const page = this.state.pages[id];
    if (!page || !this.isVisible(id, actor.id)) this.notFound('page', id, actor);
    return page;
  }

  database(id: string, actor: IntegrationRecord): DatabaseRecord {
    const database = this.state.databases[id];
    if (!database || !this.isVisible(id, actor.id)) this.notFound('database', id, actor);
    return database;
  }

  dataSource(id: string, actor: IntegrationRecord): DataSourceRecord {
    const dataSource = this.state.dataSources[id];
    if (!dataSource || !this.isVisible(id, actor.id)) this.notFound('data_source', id, actor);
    return dataSource;
  }

  /** A block, page or database seen as a block (pages and databases are blocks too). */
  anyBlock(id: string, actor: IntegrationRecord): FoundObject {
    const found = this.findObject(id);
    if (!found || found.kind === 'data_source' || !this.isVisible(id, actor.id)) {
      this.notFound('block', id, actor);
    }
    return found;
  }

  pageTitle(id: string): string | undefined {
    const page = this.state.pages[id];
    if (page) return plainText(page.properties.title ?? []);
    const database = this.state.databases[id];
    return database ? plainText(database.title) : undefined;
  }

  pageUrl(id: string): string {
    const hex = id.replaceAll('-', '');
    const page = this.state.pages[id];
    if (!page) return `https://app.notion.com/p/${hex}`;
    const slug = plainText(page.properties.title ?? [])
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '');
    return `https://app.notion.com/p/${slug ? `${slug}-` : ''}${hex}`;
  }

  get resolver(): MentionResolver {
    return {
      userName: (id) => this.state.users[id]?.name ?? undefined,
      pageTitle: (id) => this.pageTitle(id),
      pageUrl: (id) => (this.findObject(id) ? this.pageUrl(id) : undefined),
      hostedFile: (uploadId, path) => hostedFile(this, uploadId, path),
    };
  }

  /** Children list of a page or block (child pages and databases included, in order). */
  childIdsOf(id: string): string[] | undefined {
    return this.state.pages[id]?.childIds ?? this.state.blocks[id]?.childIds;
  }
}
