import type {
  AppendBlockChildrenParameters,
  AppendBlockChildrenResponse,
  Client,
  CreateCommentParameters,
  CreateCommentResponse,
  CreateDatabaseParameters,
  CreateDatabaseResponse,
  CreateDataSourceParameters,
  CreateDataSourceResponse,
  CreatePageParameters,
  CreatePageResponse,
  DeleteBlockParameters,
  DeleteBlockResponse,
  GetBlockParameters,
  GetBlockResponse,
  GetDatabaseParameters,
  GetDatabaseResponse,
  GetDataSourceParameters,
  GetDataSourceResponse,
  GetPageParameters,
  GetPagePropertyParameters,
  GetPagePropertyResponse,
  GetPageResponse,
  GetSelfResponse,
  GetUserParameters,
  GetUserResponse,
  ListBlockChildrenParameters,
  ListBlockChildrenResponse,
  ListCommentsParameters,
  ListCommentsResponse,
  ListUsersParameters,
  ListUsersResponse,
  MovePageParameters,
  MovePageResponse,
  QueryDataSourceParameters,
  QueryDataSourceResponse,
  SearchParameters,
  SearchResponse,
  UpdateBlockParameters,
  UpdateBlockResponse,
  UpdateDatabaseParameters,
  UpdateDatabaseResponse,
  UpdateDataSourceParameters,
  UpdateDataSourceResponse,
  UpdatePageParameters,
  UpdatePageResponse,
} from '@notionhq/client';
import type { EndpointSpec, RequestPath } from './request-path.ts';

// The SDK does not re-export the Markdown endpoint types from its entry point.
export type GetPageMarkdownParameters = Parameters<Client['pages']['retrieveMarkdown']>[0];
export type GetPageMarkdownResponse = Awaited<ReturnType<Client['pages']['retrieveMarkdown']>>;
export type UpdatePageMarkdownParameters = Parameters<Client['pages']['updateMarkdown']>[0];
export type UpdatePageMarkdownResponse = Awaited<ReturnType<Client['pages']['updateMarkdown']>>;
export type CreateFileUploadParameters = Parameters<Client['fileUploads']['create']>[0];
export type SendFileUploadParameters = Parameters<Client['fileUploads']['send']>[0];
export type CompleteFileUploadParameters = Parameters<Client['fileUploads']['complete']>[0];
export type GetFileUploadParameters = Parameters<Client['fileUploads']['retrieve']>[0];
export type FileUploadResponse = Awaited<ReturnType<Client['fileUploads']['retrieve']>>;

/**
 * The Notion endpoints the engine uses, with the SDK's own parameter and response types. Each
 * call goes through the connection's single request path (pacing, retries, breaker, stats).
 */
export interface NotionApi {
  pages: {
    create(args: CreatePageParameters): Promise<CreatePageResponse>;
    retrieve(args: GetPageParameters): Promise<GetPageResponse>;
    update(args: UpdatePageParameters): Promise<UpdatePageResponse>;
    move(args: MovePageParameters): Promise<MovePageResponse>;
    retrieveMarkdown(args: GetPageMarkdownParameters): Promise<GetPageMarkdownResponse>;
    updateMarkdown(args: UpdatePageMarkdownParameters): Promise<UpdatePageMarkdownResponse>;
    properties: {
      retrieve(args: GetPagePropertyParameters): Promise<GetPagePropertyResponse>;
    };
  };
  dataSources: {
    retrieve(args: GetDataSourceParameters): Promise<GetDataSourceResponse>;
    query(args: QueryDataSourceParameters): Promise<QueryDataSourceResponse>;
    create(args: CreateDataSourceParameters): Promise<CreateDataSourceResponse>;
    update(args: UpdateDataSourceParameters): Promise<UpdateDataSourceResponse>;
  };
  databases: {
    retrieve(args: GetDatabaseParameters): Promise<GetDatabaseResponse>;
    create(args: CreateDatabaseParameters): Promise<CreateDatabaseResponse>;
    update(args: UpdateDatabaseParameters): Promise<UpdateDatabaseResponse>;
  };
  blocks: {
    retrieve(args: GetBlockParameters): Promise<GetBlockResponse>;
    update(args: UpdateBlockParameters): Promise<UpdateBlockResponse>;
    delete(args: DeleteBlockParameters): Promise<DeleteBlockResponse>;
    children: {
      list(args: ListBlockChildrenParameters): Promise<ListBlockChildrenResponse>;
      append(args: AppendBlockChildrenParameters): Promise<AppendBlockChildrenResponse>;
    };
  };
  search(args: SearchParameters): Promise<SearchResponse>;
  users: {
    list(args?: ListUsersParameters): Promise<ListUsersResponse>;
    retrieve(args: GetUserParameters): Promise<GetUserResponse>;
    me(): Promise<GetSelfResponse>;
  };
  comments: {
    list(args: ListCommentsParameters): Promise<ListCommentsResponse>;
    create(args: CreateCommentParameters): Promise<CreateCommentResponse>;
  };
  fileUploads: {
    create(args: CreateFileUploadParameters): Promise<FileUploadResponse>;
    send(args: SendFileUploadParameters): Promise<FileUploadResponse>;
    complete(args: CompleteFileUploadParameters): Promise<FileUploadResponse>;
    retrieve(args: GetFileUploadParameters): Promise<FileUploadResponse>;
  };
}

const read = (method: EndpointSpec['method'], path: string): EndpointSpec => ({
  endpoint: `${method} ${path}`,
  method,
  write: false,
});
const write = (method: EndpointSpec['method'], path: string): EndpointSpec => ({
  endpoint: `${method} ${path}`,
  method,
  write: true,
});

/** Endpoint templates, as they appear in request records and stats. */
export const ENDPOINTS = {
  createPage: write('POST', '/v1/pages'),
  getPage: read('GET', '/v1/pages/{id}'),
  updatePage: write('PATCH', '/v1/pages/{id}'),
  movePage: write('POST', '/v1/pages/{id}/move'),
  getPageMarkdown: read('GET', '/v1/pages/{id}/markdown'),
  updatePageMarkdown: write('PATCH', '/v1/pages/{id}/markdown'),
  getPageProperty: read('GET', '/v1/pages/{id}/properties/{property_id}'),
  getDataSource: read('GET', '/v1/data_sources/{id}'),
  queryDataSource: read('POST', '/v1/data_sources/{id}/query'),
  createDataSource: write('POST', '/v1/data_sources'),
  updateDataSource: write('PATCH', '/v1/data_sources/{id}'),
  getDatabase: read('GET', '/v1/databases/{id}'),
  createDatabase: write('POST', '/v1/databases'),
  updateDatabase: write('PATCH', '/v1/databases/{id}'),
  getBlock: read('GET', '/v1/blocks/{id}'),
  updateBlock: write('PATCH', '/v1/blocks/{id}'),
  deleteBlock: write('DELETE', '/v1/blocks/{id}'),
  listBlockChildren: read('GET', '/v1/blocks/{id}/children'),
  appendBlockChildren: write('PATCH', '/v1/blocks/{id}/children'),
  search: read('POST', '/v1/search'),
  listUsers: read('GET', '/v1/users'),
  getUser: read('GET', '/v1/users/{id}'),
  getSelf: read('GET', '/v1/users/me'),
  listComments: read('GET', '/v1/comments'),
  createComment: write('POST', '/v1/comments'),
  createFileUpload: write('POST', '/v1/file_uploads'),
  sendFileUpload: write('POST', '/v1/file_uploads/{id}/send'),
  completeFileUpload: write('POST', '/v1/file_uploads/{id}/complete'),
  getFileUpload: read('GET', '/v1/file_uploads/{id}'),
} as const satisfies Record<string, EndpointSpec>;

/** Binds every endpoint of `sdk` to the request path. */
export function createNotionApi(sdk: Client, path: RequestPath): NotionApi {
  const E = ENDPOINTS;
  return {
    pages: {
      create: (a) => path.send(E.createPage, undefined, () => sdk.pages.create(a)),
      retrieve: (a) => path.send(E.getPage, a.page_id, () => sdk.pages.retrieve(a)),
      update: (a) => path.send(E.updatePage, a.page_id, () => sdk.pages.update(a)),
      move: (a) => path.send(E.movePage, a.page_id, () => sdk.pages.move(a)),
      retrieveMarkdown: (a) =>
        path.send(E.getPageMarkdown, a.page_id, () => sdk.pages.retrieveMarkdown(a)),
      updateMarkdown: (a) =>
        path.send(E.updatePageMarkdown, a.page_id, () => sdk.pages.updateMarkdown(a)),
      properties: {
        retrieve: (a) =>
          path.send(E.getPageProperty, a.page_id, () => sdk.pages.properties.retrieve(a)),
      },
    },
    dataSources: {
      retrieve: (a) =>
        path.send(E.getDataSource, a.data_source_id, () => sdk.dataSources.retrieve(a)),
      query: (a) => path.send(E.queryDataSource, a.data_source_id, () => sdk.dataSources.query(a)),
      create: (a) => path.send(E.createDataSource, undefined, () => sdk.dataSources.create(a)),
      update: (a) =>
        path.send(E.updateDataSource, a.data_source_id, () => sdk.dataSources.update(a)),
    },
    databases: {
      retrieve: (a) => path.send(E.getDatabase, a.database_id, () => sdk.databases.retrieve(a)),
      create: (a) => path.send(E.createDatabase, undefined, () => sdk.databases.create(a)),
      update: (a) => path.send(E.updateDatabase, a.database_id, () => sdk.databases.update(a)),
    },
    blocks: {
      retrieve: (a) => path.send(E.getBlock, a.block_id, () => sdk.blocks.retrieve(a)),
      update: (a) => path.send(E.updateBlock, a.block_id, () => sdk.blocks.update(a)),
      delete: (a) => path.send(E.deleteBlock, a.block_id, () => sdk.blocks.delete(a)),
      children: {
        list: (a) => path.send(E.listBlockChildren, a.block_id, () => sdk.blocks.children.list(a)),
        append: (a) =>
          path.send(E.appendBlockChildren, a.block_id, () => sdk.blocks.children.append(a)),
      },
    },
    search: (a) => path.send(E.search, undefined, () => sdk.search(a)),
    users: {
      list: (a = {}) => path.send(E.listUsers, undefined, () => sdk.users.list(a)),
      retrieve: (a) => path.send(E.getUser, a.user_id, () => sdk.users.retrieve(a)),
      me: () => path.send(E.getSelf, undefined, () => sdk.users.me({})),
    },
    comments: {
      list: (a) => path.send(E.listComments, a.block_id, () => sdk.comments.list(a)),
      create: (a) => path.send(E.createComment, undefined, () => sdk.comments.create(a)),
    },
    fileUploads: {
      create: (a) => path.send(E.createFileUpload, undefined, () => sdk.fileUploads.create(a)),
      send: (a) => path.send(E.sendFileUpload, a.file_upload_id, () => sdk.fileUploads.send(a)),
      complete: (a) =>
        path.send(E.completeFileUpload, a.file_upload_id, () => sdk.fileUploads.complete(a)),
      retrieve: (a) =>
        path.send(E.getFileUpload, a.file_upload_id, () => sdk.fileUploads.retrieve(a)),
    },
  };
}
