// Domain types of the store: camelCase, mapped from the snake_case rows at the repository edge.
// Times are ISO-8601 UTC strings; JSON values are plain parsed values.

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Who or what caused a write: the run, its trigger and the Notion request id behind it. */
export interface Provenance {
  runId?: number | null;
  /** `cli`, `schedule`, `webhook:<event id>`, `mcp`, `api`, … */
  trigger?: string | null;
  requestId?: string | null;
}

export type SourceKind = 'data_source' | 'page';
export type SyncDirection = 'pull' | 'push' | 'both';
/** `detached`: the old history of a source that `rebind` gave a fresh start (never pulled again). */
export type AccessState = 'ok' | 'access_lost' | 'detached';
export type Tombstone = 'trashed' | 'missing' | 'access_lost';
export type VersionOrigin = 'notion' | 'local' | 'push';

/** One property of a source's schema, keyed by its stable Notion property id. */
export interface SchemaProperty {
  id: string;
  name: string;
  type: string;
  /** Column name in the source's view when configured (`properties` map); else from `name`. */
  column?: string;
  /**
   * Option names of a `status` property: Notion refuses any other name on write (select and
   * multi_select options are created by Notion on write, so theirs are not kept).
   */
  options?: string[];
}

export interface SourceSchema {
  properties: Record<string, SchemaProperty>;
}

export interface Source {
  id: number;
  name: string;
  kind: SourceKind;
  notionId: string;
  databaseId: string | null;
  connectionId: number | null;
  direction: SyncDirection;
  schema: SourceSchema;
  schemaHash: string;
  viewName: string | null;
  accessState: AccessState;
  accessChangedAt: string | null;
  accessReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export type SchemaChangeKind = 'added' | 'removed' | 'renamed' | 'type_changed';

export interface SchemaChange {
  id?: number;
  sourceId: number;
  propertyId: string;
  change: SchemaChangeKind;
  before: SchemaProperty | null;
  after: SchemaProperty | null;
  runId: number | null;
  detectedAt: string;
}

export interface StoreRecord {
  id: number;
  sourceId: number;
  pageId: string | null;
  localKey: string;
  parentId: string | null;
  currentVersionId: number | null;
  baseVersionId: number | null;
  lastSeq: number;
  /** Hash of the latest Notion-side state (pulled or pushed): what the pull skip compares. */
  notionHash: string | null;
  notionLastEditedTime: string | null;
  createdTime: string | null;
  tombstone: Tombstone | null;
  tombstonedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Version {
  id: number;
  recordId: number;
  seq: number;
  origin: VersionOrigin;
  fields: Record<string, JsonValue>;
  raw: JsonValue | null;
  content: string | null;
  hash: string;
  notionLastEditedTime: string | null;
  runId: number | null;
  trigger: string | null;
  requestId: string | null;
  createdAt: string;
}

export interface Checkpoint {
  sourceId: number;
  /** Inclusive `last_edited_time` cursor: the next query starts at it (minus the overlap). */
  cursor: string | null;
  /** Id of the last committed page at `cursor` (the tie-break of the sort). */
  cursorPageId: string | null;
  /** In-flight query state (start cursor, created_time window, …), owned by the pull engine. */
  queryState: JsonValue | null;
  lastCompleteReconcileAt: string | null;
  runId: number | null;
  updatedAt: string;
}

/** Fields to change in a checkpoint; an absent key keeps its stored value. */
export interface CheckpointUpdate {
  cursor?: string | null;
  cursorPageId?: string | null;
  queryState?: JsonValue | null;
  lastCompleteReconcileAt?: string | null;
}

export type RunStatus =
  | 'running'
  | 'ok'
  | 'failed'
  | 'partial'
  | 'cancelled'
  | 'abandoned'
  /** Stopped at a safe point by a signal (SIGINT/SIGTERM, an AbortSignal): checkpoint kept. */
  | 'interrupted';

export interface RunError {
  message: string;
  code?: string;
  pageId?: string;
  at?: string;
}

export interface RunOwner {
  host: string;
  pid: number;
}

export interface Run {
  id: number;
  sourceId: number | null;
  kind: string;
  trigger: string;
  status: RunStatus;
  /** The process that holds (or held) the run: host name and pid; null when not recorded. */
  owner: RunOwner | null;
  startedAt: string;
  heartbeatAt: string;
  finishedAt: string | null;
  counts: Record<string, number>;
  apiCalls: Record<string, number>;
  rateLimitWaits: number;
  errors: RunError[];
}

export type OutboxOp = 'create' | 'update' | 'delete';
/**
 * `dropped`: never sent and never will be — a create cancelled by a delete before any push, or a
 * dead letter dropped by `notion-sync outbox drop` (its local version stays in history).
 */
export type OutboxState = 'pending' | 'in_flight' | 'done' | 'dead' | 'dropped';

export interface OutboxItem {
  id: number;
  sourceId: number;
  recordId: number;
  versionId: number;
  op: OutboxOp;
  payload: JsonValue;
  syncKey: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export type ConflictResolution = 'notion' | 'local' | 'value';

export interface Conflict {
  id: number;
  recordId: number;
  outboxId: number | null;
  propertyId: string;
  propertyName: string;
  baseValue: JsonValue | null;
  notionValue: JsonValue | null;
  localValue: JsonValue | null;
  state: 'open' | 'resolved';
  resolution: ConflictResolution | null;
  resolvedValue: JsonValue | null;
  resolvedBy: string | null;
  runId: number | null;
  createdAt: string;
  resolvedAt: string | null;
}

export interface WebhookEvent {
  eventId: string;
  type: string;
  entityId: string | null;
  payload: JsonValue;
  state: 'pending' | 'processed' | 'failed';
  attempts: number;
  lastError: string | null;
  receivedAt: string;
  processedAt: string | null;
  /** Name of the connection whose URL received it. */
  connection: string;
  /** A failed attempt waits until then before the next one. */
  nextAttemptAt: string | null;
}

export type ConnectionStatus = 'active' | 'reconnect' | 'revoked';

export interface Connection {
  id: number;
  name: string;
  kind: 'env' | 'oauth';
  botId: string | null;
  workspaceId: string | null;
  workspaceName: string | null;
  hasAccessToken: boolean;
  hasRefreshToken: boolean;
  secretKeyId: string | null;
  /** `active`; `reconnect` when its refresh was refused (consent again); `revoked` once disconnected. */
  status: ConnectionStatus;
  /** The app user an OAuth installation was made for (`/oauth/notion/start?user=`). */
  appUser: string | null;
  /** When the access token expires, if the token response said. */
  accessExpiresAt: string | null;
  /** The Notion user who installed an OAuth connection (webhooks' `accessible_by`). */
  ownerUserId: string | null;
  createdAt: string;
  updatedAt: string;
}
