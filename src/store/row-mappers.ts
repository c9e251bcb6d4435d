// snake_case rows → camelCase domain objects (STYLE.md Naming: mapping happens at the edge).
import { fromJsonText } from './json-columns.ts';
import type { Row } from './repository-context.ts';
import type {
  AccessState,
  Checkpoint,
  Conflict,
  ConflictResolution,
  Connection,
  JsonValue,
  OutboxItem,
  OutboxOp,
  OutboxState,
  Provenance,
  Run,
  RunError,
  RunStatus,
  SchemaChange,
  SchemaChangeKind,
  SchemaProperty,
  Source,
  SourceKind,
  SourceSchema,
  StoreRecord,
  SyncDirection,
  Tombstone,
  Version,
  VersionOrigin,
  WebhookEvent,
} from './store-types.ts';

/** The provenance columns of a version row (DESIGN §4: run, trigger, Notion request id). */
export function provenanceColumns(provenance: Provenance | undefined): {
  run_id: number | null;
  trigger: string | null;
  request_id: string | null;
} {
  return {
    run_id: provenance?.runId ?? null,
    trigger: provenance?.trigger ?? null,
    request_id: provenance?.requestId ?? null,
  };
}

export function toSource(row: Row<'sources'>): Source {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as SourceKind,
    notionId: row.notion_id,
    databaseId: row.database_id,
    connectionId: row.connection_id,
    direction: row.direction as SyncDirection,
    schema: fromJsonText<SourceSchema>(row.schema_json, { properties: {} }),
    schemaHash: row.schema_hash,
    viewName: row.view_name,
    accessState: row.access_state as AccessState,
    accessChangedAt: row.access_changed_at,
    accessReason: row.access_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toSchemaChange(row: Row<'schema_changes'>): SchemaChange {
  return {
    id: row.id,
    sourceId: row.source_id,
    propertyId: row.property_id,
    change: row.change as SchemaChangeKind,
    before: fromJsonText<SchemaProperty | null>(row.before_json, null),
    after: fromJsonText<SchemaProperty | null>(row.after_json, null),
    runId: row.run_id,
    detectedAt: row.detected_at,
  };
}

export function toRecord(row: Row<'records'>): StoreRecord {
  return {
    id: row.id,
    sourceId: row.source_id,
    pageId: row.page_id,
    localKey: row.local_key,
    parentId: row.parent_id,
    currentVersionId: row.current_version_id,
    baseVersionId: row.base_version_id,
    lastSeq: row.last_seq,
    notionHash: row.notion_hash,
    notionLastEditedTime: row.notion_last_edited_time,
    createdTime: row.created_time,
    tombstone: row.tombstone as Tombstone | null,
    tombstonedAt: row.tombstoned_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toVersion(row: Row<'versions'>): Version {
  return {
    id: row.id,
    recordId: row.record_id,
    seq: row.seq,
    origin: row.origin as VersionOrigin,
    fields: fromJsonText<Record<string, JsonValue>>(row.fields, {}),
    raw: fromJsonText<JsonValue | null>(row.raw, null),
    content: row.content,
    hash: row.hash,
    notionLastEditedTime: row.notion_last_edited_time,
    runId: row.run_id,
    trigger: row.trigger,
    requestId: row.request_id,
    createdAt: row.created_at,
  };
}

export function toCheckpoint(row: Row<'checkpoints'>): Checkpoint {
  return {
    sourceId: row.source_id,
    cursor: row.cursor,
    cursorPageId: row.cursor_page_id,
    queryState: fromJsonText<JsonValue | null>(row.query_state, null),
    lastCompleteReconcileAt: row.last_complete_reconcile_at,
    runId: row.run_id,
    updatedAt: row.updated_at,
  };
}

export function toRun(row: Row<'runs'>): Run {
  return {
    id: row.id,
    sourceId: row.source_id,
    kind: row.kind,
    trigger: row.trigger,
    status: row.status as RunStatus,
    owner: row.host !== null && row.pid !== null ? { host: row.host, pid: row.pid } : null,
    startedAt: row.started_at,
    heartbeatAt: row.heartbeat_at,
    finishedAt: row.finished_at,
    counts: fromJsonText<Record<string, number>>(row.counts, {}),
    apiCalls: fromJsonText<Record<string, number>>(row.api_calls, {}),
    rateLimitWaits: row.rate_limit_waits,
    errors: fromJsonText<RunError[]>(row.errors, []),
  };
}

export function toOutboxItem(row: Row<'outbox'>): OutboxItem {
  return {
    id: row.id,
    sourceId: row.source_id,
    recordId: row.record_id,
    versionId: row.version_id,
    op: row.op as OutboxOp,
    payload: fromJsonText<JsonValue>(row.payload, null),
    syncKey: row.sync_key,
    state: row.state as OutboxState,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
  };
}

export function toConflict(row: Row<'conflicts'>): Conflict {
  return {
    id: row.id,
    recordId: row.record_id,
    outboxId: row.outbox_id,
    propertyId: row.property_id,
    propertyName: row.property_name,
    baseValue: fromJsonText<JsonValue | null>(row.base_value, null),
    notionValue: fromJsonText<JsonValue | null>(row.notion_value, null),
    localValue: fromJsonText<JsonValue | null>(row.local_value, null),
    state: row.state as 'open' | 'resolved',
    resolution: row.resolution as ConflictResolution | null,
    resolvedValue: fromJsonText<JsonValue | null>(row.resolved_value, null),
    resolvedBy: row.resolved_by,
    runId: row.run_id,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
  };
}

export function toWebhookEvent(row: Row<'webhook_events'>): WebhookEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    entityId: row.entity_id,
    payload: fromJsonText<JsonValue>(row.payload, null),
    state: row.state as WebhookEvent['state'],
    attempts: row.attempts,
    lastError: row.last_error,
    receivedAt: row.received_at,
    processedAt: row.processed_at,
    connection: row.connection,
    nextAttemptAt: row.next_attempt_at,
  };
}

export function toConnection(row: Row<'connections'>): Connection {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as Connection['kind'],
    botId: row.bot_id,
    workspaceId: row.workspace_id,
    workspaceName: row.workspace_name,
    hasAccessToken: row.access_token_enc !== null,
    hasRefreshToken: row.refresh_token_enc !== null,
    secretKeyId: row.secret_key_id,
    status: row.status as Connection['status'],
    appUser: row.app_user,
    accessExpiresAt: row.access_expires_at,
    ownerUserId: row.owner_user_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
