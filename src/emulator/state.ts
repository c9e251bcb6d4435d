/**
 * The emulated workspace as plain JSON-safe records, so a snapshot is a deep copy and `--state`
 * is one JSON file. Invariants: every page, database, data source and block is reachable by id
 * from its map; a row page's id sits in its data source's `rowIds` (creation order); property
 * values are keyed by property id (renames never touch rows); times are epoch milliseconds.
 */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type NotionVersion = '2025-09-03' | '2026-03-11';
export const NOTION_VERSIONS: readonly NotionVersion[] = ['2025-09-03', '2026-03-11'];

export type ParentRef =
  | { type: 'workspace' }
  | { type: 'page_id'; id: string }
  | { type: 'block_id'; id: string }
  | { type: 'data_source_id'; id: string }
  | { type: 'database_id'; id: string };

export interface UserRecord {
  id: string;
  type: 'person' | 'bot';
  name: string | null;
  avatarUrl: string | null;
  email?: string;
  /** For bots: the integration whose bot user this is. */
  integrationId?: string;
}

export interface IntegrationRecord {
  /** Equal to its bot user's id, as in recorded traffic. */
  id: string;
  name: string;
  tokens: string[];
  /** A public integration (OAuth client; its client id is `id`). */
  oauth?: { clientSecret: string; redirectUris: string[] };
  /** An OAuth installation: the public integration it belongs to, and who installed it. */
  installationOf?: string;
  ownerUserId?: string;
  refreshToken?: string | null;
  /** Access token → epoch ms after which it answers 401 (only with a configured lifetime). */
  tokenExpiresAt?: Record<string, number>;
  /** Access token → epoch ms it was issued (introspect's `iat`). */
  tokenIssuedAt?: Record<string, number>;
}

/** A webhook subscription of one integration (a public integration has one for all installs). */
export interface WebhookSubscriptionRecord {
  id: string;
  integrationId: string;
  url: string;
  /** null: every event type. */
  eventTypes: string[] | null;
  verificationToken: string;
  verified: boolean;
  apiVersion: NotionVersion;
  createdTime: number;
  faults: WebhookFaults;
}

/** Per-subscription delivery faults, so receivers meet at-least-once, unordered, lossy delivery. */
export interface WebhookFaults {
  /** Probability (0–1) that a delivery is sent twice. */
  duplicate?: number;
  /** Probability (0–1) that an event is dropped without any attempt. */
  drop?: number;
  /** Extra delay of every delivery on the emulator's clock. */
  delayMs?: number;
  /** Hold events until this many are ready, then send them newest first. */
  reorder?: number;
}

export interface PageRecord {
  id: string;
  parent: ParentRef;
  /** Property id → stored value (request form, normalized). Computed types are not stored. */
  properties: Record<string, JsonValue>;
  icon: JsonValue;
  cover: JsonValue;
  createdTime: number;
  lastEditedTime: number;
  createdBy: string;
  lastEditedBy: string;
  inTrash: boolean;
  isLocked: boolean;
  isArchived: boolean;
  childIds: string[];
}

export interface PropertySchema {
  id: string;
  name: string;
  type: string;
  description: string | null;
  config: JsonObject;
}

export interface DataSourceRecord {
  id: string;
  databaseId: string;
  title: JsonValue[];
  description: JsonValue[];
  icon: JsonValue;
  cover: JsonValue;
  propertyOrder: string[];
  properties: Record<string, PropertySchema>;
  createdTime: number;
  lastEditedTime: number;
  createdBy: string;
  lastEditedBy: string;
  inTrash: boolean;
  rowIds: string[];
  /** unique_id property id → last number handed out. */
  counters: Record<string, number>;
}

export interface DatabaseRecord {
  id: string;
  parent: ParentRef;
  title: JsonValue[];
  description: JsonValue[];
  isInline: boolean;
  inTrash: boolean;
  isLocked: boolean;
  createdTime: number;
  lastEditedTime: number;
  createdBy: string;
  dataSourceIds: string[];
  icon: JsonValue;
  cover: JsonValue;
}

export interface BlockRecord {
  id: string;
  parent: ParentRef;
  type: string;
  content: JsonObject;
  createdTime: number;
  lastEditedTime: number;
  createdBy: string;
  lastEditedBy: string;
  inTrash: boolean;
  childIds: string[];
}

export interface CommentRecord {
  id: string;
  parent: ParentRef;
  discussionId: string;
  createdTime: number;
  lastEditedTime: number;
  createdBy: string;
  richText: JsonValue[];
  displayName: JsonObject;
}

export interface FileUploadRecord {
  id: string;
  mode: 'single_part' | 'multi_part' | 'external_url';
  status: 'pending' | 'uploaded' | 'expired' | 'failed';
  filename: string | null;
  contentType: string | null;
  /** Uploaded bytes, base64 (single part, or the joined parts once complete). */
  contentBase64: string | null;
  /** Multi-part uploads: part number → base64 bytes. */
  parts: Record<string, string>;
  numberOfParts: number | null;
  externalUrl: string | null;
  createdTime: number;
  lastEditedTime: number;
  createdBy: string;
  inTrash: boolean;
}

export interface ViewRecord {
  id: string;
  databaseId: string;
  dataSourceId: string;
  name: string;
  type: string;
  filter: JsonValue;
  sorts: JsonValue;
  quickFilters: JsonValue;
  configuration: JsonObject;
  createdTime: number;
  lastEditedTime: number;
  createdBy: string;
  lastEditedBy: string;
}

export interface WorkspaceState {
  format: 1;
  workspaceId: string;
  workspaceName: string;
  defaultIntegrationId: string;
  rootPageId: string;
  users: Record<string, UserRecord>;
  integrations: Record<string, IntegrationRecord>;
  pages: Record<string, PageRecord>;
  databases: Record<string, DatabaseRecord>;
  dataSources: Record<string, DataSourceRecord>;
  blocks: Record<string, BlockRecord>;
  comments: Record<string, CommentRecord>;
  fileUploads: Record<string, FileUploadRecord>;
  views: Record<string, ViewRecord>;
  /** Webhook subscriptions by id (absent in state files written before they existed). */
  webhookSubscriptions?: Record<string, WebhookSubscriptionRecord>;
  /** Integration id → ids of objects shared with it (descendants inherit). */
  shares: Record<string, string[]>;
  /** Bumped on every write; query caches key on it. */
  revision: number;
}
