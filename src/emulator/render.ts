import { signHostedFiles } from './file-host.ts';
import { renderPropertyValue } from './properties/render-value.ts';
import { renderPropertySchema } from './properties/schema.ts';
import { plainText } from './rich-text.ts';
import type {
  BlockRecord,
  CommentRecord,
  DatabaseRecord,
  DataSourceRecord,
  JsonObject,
  NotionVersion,
  PageRecord,
  ParentRef,
  UserRecord,
} from './state.ts';
import { formatDatabaseTime, formatMinuteTime } from './time.ts';
import type { FoundObject, Workspace } from './workspace.ts';

const userRef = (id: string): JsonObject => ({ object: 'user', id });

/** `archived` exists only before 2026-03-11. */
function withArchived(body: JsonObject, inTrash: boolean, version: NotionVersion): JsonObject {
  if (version === '2025-09-03') body.archived = inTrash;
  return body;
}

export function renderParent(ws: Workspace, parent: ParentRef): JsonObject {
  switch (parent.type) {
    case 'workspace':
      return { type: 'workspace', workspace: true };
    case 'data_source_id':
      return {
        type: 'data_source_id',
        data_source_id: parent.id,
        database_id: ws.state.dataSources[parent.id]?.databaseId ?? null,
      };
    default:
      return { type: parent.type, [parent.type]: parent.id };
  }
}

export interface PageRenderOptions {
  /** Property ids to keep (`filter_properties`); all when undefined. */
  filterProperties?: readonly string[] | undefined;
}

export function renderPageProperties(
  ws: Workspace,
  page: PageRecord,
  options: PageRenderOptions = {},
): JsonObject {
  const properties: JsonObject = {};
  const keep = options.filterProperties ? new Set(options.filterProperties) : undefined;
  if (page.parent.type === 'data_source_id') {
    const ds = ws.state.dataSources[page.parent.id];
    for (const id of ds?.propertyOrder ?? []) {
      const schema = ds?.properties[id];
      if (!schema || (keep && !keep.has(id) && !keep.has(schema.name))) continue;
      properties[schema.name] = renderPropertyValue(ws, page, schema, { truncate: true });
    }
  } else if (!keep || keep.has('title')) {
    properties.title = renderPropertyValue(
      ws,
      page,
      { id: 'title', name: 'title', type: 'title', description: null, config: {} },
      { truncate: true },
    );
  }
  return properties;
}

export function renderPage(
  ws: Workspace,
  page: PageRecord,
  version: NotionVersion,
  options: PageRenderOptions = {},
): JsonObject {
  const body: JsonObject = {
    object: 'page',
    id: page.id,
    created_time: formatMinuteTime(page.createdTime),
    last_edited_time: formatMinuteTime(page.lastEditedTime),
    created_by: userRef(page.createdBy),
    last_edited_by: userRef(page.lastEditedBy),
    cover: signHostedFiles(ws, page.cover),
    icon: signHostedFiles(ws, page.icon),
    parent: renderParent(ws, page.parent),
    in_trash: page.inTrash,
    is_archived: page.isArchived,
    is_locked: page.isLocked,
    properties: signHostedFiles(ws, renderPageProperties(ws, page, options)),
    url: ws.pageUrl(page.id),
    public_url: null,
  };
  return withArchived(body, page.inTrash, version);
}

export function renderDatabase(
  ws: Workspace,
  db: DatabaseRecord,
  version: NotionVersion,
): JsonObject {
  const body: JsonObject = {
    object: 'database',
    id: db.id,
    title: db.title,
    description: db.description,
    parent: renderParent(ws, db.parent),
    is_inline: db.isInline,
    in_trash: db.inTrash,
    is_locked: db.isLocked,
    created_time: formatDatabaseTime(db.createdTime),
    last_edited_time: formatDatabaseTime(db.lastEditedTime),
    data_sources: db.dataSourceIds.flatMap((id) => {
      const ds = ws.state.dataSources[id];
      return ds ? [{ id, name: plainText(ds.title) }] : [];
    }),
    icon: signHostedFiles(ws, db.icon),
    cover: signHostedFiles(ws, db.cover),
    url: `https://app.notion.com/p/${db.id.replaceAll('-', '')}`,
    public_url: null,
  };
  return withArchived(body, db.inTrash, version);
}

export function renderDataSource(
  ws: Workspace,
  ds: DataSourceRecord,
  version: NotionVersion,
): JsonObject {
  const db = ws.state.databases[ds.databaseId];
  const properties: JsonObject = {};
  for (const id of ds.propertyOrder) {
    const schema = ds.properties[id];
    if (schema) properties[schema.name] = renderPropertySchema(schema);
  }
  const body: JsonObject = {
    object: 'data_source',
    id: ds.id,
    cover: signHostedFiles(ws, ds.cover),
    icon: signHostedFiles(ws, ds.icon),
    created_time: formatMinuteTime(ds.createdTime),
    created_by: userRef(ds.createdBy),
    last_edited_by: userRef(ds.lastEditedBy),
    last_edited_time: formatMinuteTime(ds.lastEditedTime),
    title: ds.title,
    description: ds.description,
    is_inline: db?.isInline ?? false,
    properties,
    parent: { type: 'database_id', database_id: ds.databaseId },
    database_parent: db ? renderParent(ws, db.parent) : { type: 'workspace', workspace: true },
    url: `https://app.notion.com/p/${ds.databaseId.replaceAll('-', '')}`,
    public_url: null,
    in_trash: ds.inTrash,
  };
  return withArchived(body, ds.inTrash, version);
}

function hasLiveChildren(ws: Workspace, childIds: readonly string[]): boolean {
  return childIds.some((id) => {
    const found = ws.findObject(id);
    return found !== undefined && !(found.record as { inTrash: boolean }).inTrash;
  });
}

/** A block, or a page / database seen as its `child_page` / `child_database` block. */
export function renderBlock(ws: Workspace, found: FoundObject, version: NotionVersion): JsonObject {
  let common: Omit<BlockRecord, 'content' | 'type' | 'childIds'> & {
    type: string;
    content: JsonObject;
    children: string[];
  };
  if (found.kind === 'page') {
    const p = found.record;
    common = {
      ...p,
      type: 'child_page',
      content: { title: plainText(p.properties.title ?? []) },
      children: p.childIds,
    };
  } else if (found.kind === 'database') {
    const d = found.record;
    common = {
      ...d,
      lastEditedBy: d.createdBy,
      type: 'child_database',
      content: { title: plainText(d.title) },
      children: [],
    };
  } else if (found.kind === 'block') {
    common = { ...found.record, children: found.record.childIds };
  } else {
    throw new Error('a data source is not a block');
  }
  let type = common.type;
  if (type === 'transcription' || type === 'meeting_notes')
    type = version === '2025-09-03' ? 'transcription' : 'meeting_notes';
  const body: JsonObject = {
    object: 'block',
    id: common.id,
    parent: renderParent(ws, common.parent),
    created_time: formatMinuteTime(common.createdTime),
    last_edited_time: formatMinuteTime(common.lastEditedTime),
    created_by: userRef(common.createdBy),
    last_edited_by: userRef(common.lastEditedBy),
    has_children: hasLiveChildren(ws, common.children),
    in_trash: common.inTrash,
    type,
    [type]: signHostedFiles(ws, common.content),
  };
  return withArchived(body, common.inTrash, version);
}

export function renderComment(ws: Workspace, comment: CommentRecord): JsonObject {
  const bot = ws.state.users[comment.createdBy];
  return {
    object: 'comment',
    id: comment.id,
    parent: renderParent(ws, comment.parent),
    discussion_id: comment.discussionId,
    created_time: formatMinuteTime(comment.createdTime),
    last_edited_time: formatMinuteTime(comment.lastEditedTime),
    created_by: userRef(comment.createdBy),
    rich_text: comment.richText,
    display_name:
      bot?.type === 'bot' ? { type: 'integration', resolved_name: bot.name } : comment.displayName,
  };
}

/** A user as `GET /v1/users` shows it; bots carry their owner and workspace. */
export function renderFullUser(ws: Workspace, user: UserRecord): JsonObject {
  const body: JsonObject = {
    object: 'user',
    id: user.id,
    name: user.name,
    avatar_url: user.avatarUrl,
    type: user.type,
  };
  if (user.type === 'person') {
    body.person = { email: user.email ?? null, email_verified: user.email !== undefined };
  } else {
    const owner = ws.state.integrations[user.integrationId ?? '']?.ownerUserId;
    body.bot = {
      owner: owner
        ? { type: 'user', user: { object: 'user', id: owner } }
        : { type: 'workspace', workspace: true },
      workspace_name: ws.state.workspaceName,
      workspace_id: ws.state.workspaceId,
      workspace_limits: { max_file_upload_size_in_bytes: ws.fileUploadLimitBytes },
    };
  }
  return body;
}
