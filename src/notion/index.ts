// Surface of src/notion/ for other folders (DESIGN.md §3): named exports only.
export { type CircuitBreaker, type CircuitState, createCircuitBreaker } from './circuit-breaker.ts';
export type {
  AllRowsOptions,
  AllRowsPage,
  AllRowsPosition,
  DataSourceFilter,
  DataSourceQueryOptions,
  DataSourceSorts,
} from './data-source-rows.ts';
export { type FileDownload, openFileDownload } from './file-download.ts';
export {
  collectMarkdownFileRefs,
  collectPageFileRefs,
  type FileKind,
  type FileRef,
  fileIdentity,
  fileObjectRef,
  isSignedUrl,
  normalizeNotionMarkdown,
} from './file-refs.ts';
export {
  type LocalFile,
  PART_BYTES,
  SINGLE_PART_MAX_BYTES,
  uploadLocalFile,
  workspaceFileLimit,
} from './file-upload.ts';
export type { SearchOptions } from './list-iterators.ts';
export {
  type EditPageMarkdownResult,
  editPageMarkdown,
  type MarkdownEditRequest,
  planMarkdownEdits,
} from './markdown-edits.ts';
export { listMarkdownReferences, type MarkdownReferences } from './markdown-references.ts';
export { ENDPOINTS, type FileUploadResponse, type NotionApi } from './notion-api.ts';
export {
  type CircuitBreakerSettings,
  createNotionClient,
  type NotionClient,
  type NotionClientOptions,
  type PacingOptions,
} from './notion-client.ts';
export { notionClientOptionsFromConfig } from './notion-client-config.ts';
export {
  classifyNotionError,
  type FailureKind,
  isAmbiguousWriteError,
  isNotionApiError,
  NotionApiError,
} from './notion-error.ts';
export { hashNotionValue, normalizeNotionValue } from './notion-hash.ts';
export {
  createNotionOAuth,
  type NotionOAuth,
  type NotionOAuthOptions,
  notionOAuthFromConfig,
  type OAuthGrant,
} from './oauth-client.ts';
export {
  createPacer,
  type Pacer,
  type PacerOptions,
  type PacerPermit,
  type PacerState,
} from './pacer.ts';
export {
  type BlockNode,
  type BlockTreeOptions,
  type PageMarkdownOptions,
  type PageMarkdownResult,
  type ReplaceMarkdownOptions,
  spliceSubtree,
} from './page-content.ts';
export { type PageSnapshot, snapshotPage } from './page-snapshot.ts';
export type { ListPage } from './pagination.ts';
export type { CompletedPage, CompletePageOptions, PropertyItems } from './property-completion.ts';
export {
  COMPUTED_TYPES,
  type DecodedProperty,
  decodeProperties,
  decodeProperty,
  type IncompleteReason,
  PAGE_REFERENCE_LIMIT,
  type PlainDate,
  type PlainFile,
  type PlainPlace,
  type PlainUniqueId,
  type PlainValue,
  type PlainVerification,
} from './property-decoder.ts';
export {
  encodeProperties,
  encodePropertyValue,
  MAX_REFERENCES_PER_WRITE,
  type PropertySchema,
} from './property-encoder.ts';
export type { RequestListener } from './request-path.ts';
export {
  currentRequestPriority,
  priorityOfTrigger,
  type RequestPriority,
  withRequestPriority,
} from './request-priority.ts';
export type { EndpointStats, RequestRecord, RequestStats } from './request-stats.ts';
export { plainTextOf, textToRichTextRequest } from './rich-text.ts';
export { authenticatingFetch, type TokenSource } from './token-source.ts';
