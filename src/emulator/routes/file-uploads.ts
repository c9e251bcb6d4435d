import { bodyValidationError, tooLong, validationError } from '../errors.ts';
import {
  contentTypeFor,
  FILE_URL_TTL_MS,
  MAX_FILENAME_BYTES,
  MAX_SINGLE_PART_BYTES,
  MIN_PART_BYTES,
  refreshStatus,
} from '../file-uploads.ts';
import { newId } from '../ids.ts';
import { type ApiRequest, listResponse, pageSizeOf, pathId, type Route } from '../router.ts';
import type { FileUploadRecord, JsonObject } from '../state.ts';
import { formatMinuteTime } from '../time.ts';
import type { Workspace } from '../workspace.ts';

function renderUpload(
  ws: Workspace,
  upload: FileUploadRecord,
  request: ApiRequest,
  fresh = false,
): JsonObject {
  if (!fresh) refreshStatus(ws, upload);
  const body: JsonObject = {
    object: 'file_upload',
    id: upload.id,
    created_time: formatMinuteTime(upload.createdTime),
    created_by: { id: upload.createdBy, type: 'bot' },
    last_edited_time: formatMinuteTime(upload.lastEditedTime),
    expiry_time: formatMinuteTime(upload.createdTime + FILE_URL_TTL_MS),
  };
  if (upload.status === 'pending') {
    body.upload_url = `https://api.notion.com/v1/file_uploads/${upload.id}/send`;
    if (upload.mode === 'multi_part')
      body.complete_url = `https://api.notion.com/v1/file_uploads/${upload.id}/complete`;
  }
  body.in_trash = upload.inTrash;
  body.status = upload.status;
  body.filename = upload.filename;
  body.content_type = upload.contentType;
  body.content_length =
    upload.contentBase64 === null ? null : Buffer.from(upload.contentBase64, 'base64').length;
  if (upload.numberOfParts !== null)
    body.number_of_parts = { total: upload.numberOfParts, sent: Object.keys(upload.parts).length };
  if (request.version === '2025-09-03') body.archived = upload.inTrash;
  return body;
}

function createUploadRoute(request: ApiRequest): JsonObject {
  const { ws, actor, body } = request;
  const mode = body.mode ?? 'single_part';
  if (mode !== 'single_part' && mode !== 'multi_part' && mode !== 'external_url') {
    throw bodyValidationError(
      'body.mode',
      'should be `"single_part"`, `"multi_part"` or `"external_url"`',
    );
  }
  const filename = typeof body.filename === 'string' ? body.filename : null;
  if (filename && Buffer.byteLength(filename) > MAX_FILENAME_BYTES)
    throw tooLong('body.filename', MAX_FILENAME_BYTES, Buffer.byteLength(filename));
  if (mode !== 'single_part' && !filename)
    throw bodyValidationError(
      'body.filename',
      'should be defined for multi_part and external_url uploads',
    );
  let parts: number | null = null;
  if (mode === 'multi_part') {
    const n = body.number_of_parts;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1000)
      throw bodyValidationError('body.number_of_parts', 'should be an integer from 1 to 1000');
    parts = n;
  }
  let externalUrl: string | null = null;
  if (mode === 'external_url') {
    if (typeof body.external_url !== 'string' || !/^https:\/\//.test(body.external_url))
      throw bodyValidationError('body.external_url', 'should be an https URL');
    externalUrl = body.external_url;
  }
  const now = ws.now();
  const upload: FileUploadRecord = {
    id: newId(),
    mode,
    status: 'pending',
    filename,
    contentType:
      typeof body.content_type === 'string' ? body.content_type : contentTypeFor(filename),
    contentBase64: null,
    parts: {},
    numberOfParts: parts,
    externalUrl,
    createdTime: now,
    lastEditedTime: now,
    createdBy: actor.id,
    inTrash: false,
  };
  ws.state.fileUploads[upload.id] = upload;
  return renderUpload(ws, upload, request, true);
}

function ownUpload(request: ApiRequest): FileUploadRecord {
  const id = pathId(request, 'file_upload_id');
  const upload = request.ws.state.fileUploads[id];
  if (!upload || upload.createdBy !== request.actor.id)
    return request.ws.notFound('file_upload', id, request.actor);
  return refreshStatus(request.ws, upload);
}

function sendRoute(request: ApiRequest): JsonObject {
  const { ws, body } = request;
  const upload = ownUpload(request);
  if (upload.status !== 'pending' || upload.mode === 'external_url') {
    throw validationError(
      `File upload ${upload.id} is ${upload.status === 'pending' ? 'an external_url upload' : upload.status}; it cannot receive content.`,
    );
  }
  const file = body.file as
    | { base64: string; filename: string | null; contentType: string | null }
    | undefined;
  if (!file)
    throw validationError(
      'body failed validation: the multipart form must contain a `file` field.',
    );
  const size = Buffer.from(file.base64, 'base64').length;
  if (upload.mode === 'single_part') {
    const limit = Math.min(MAX_SINGLE_PART_BYTES, ws.fileUploadLimitBytes);
    if (size > limit)
      throw validationError(
        `File size ${size} exceeds the ${limit === MAX_SINGLE_PART_BYTES ? 'single-part' : "workspace's"} limit of ${limit} bytes${limit === MAX_SINGLE_PART_BYTES ? '; use a multi_part upload' : ''}.`,
      );
    upload.contentBase64 = file.base64;
    upload.status = 'uploaded';
  } else {
    const part = Number(body.part_number);
    if (!Number.isInteger(part) || part < 1 || part > (upload.numberOfParts ?? 0)) {
      throw validationError(
        `part_number should be an integer from 1 to ${upload.numberOfParts}, instead was ${String(body.part_number)}.`,
      );
    }
    if (size > MAX_SINGLE_PART_BYTES || (size < MIN_PART_BYTES && part !== upload.numberOfParts))
      throw validationError(
        `Part ${part} is ${size} bytes; parts must be ${MIN_PART_BYTES}–${MAX_SINGLE_PART_BYTES} bytes (only the last may be smaller).`,
      );
    upload.parts[String(part)] = file.base64;
  }
  upload.filename ??= file.filename;
  upload.contentType ??= file.contentType ?? contentTypeFor(upload.filename);
  upload.lastEditedTime = ws.now();
  return renderUpload(ws, upload, request);
}

function completeRoute(request: ApiRequest): JsonObject {
  const upload = ownUpload(request);
  if (upload.mode !== 'multi_part' || upload.status !== 'pending')
    throw validationError(`File upload ${upload.id} is not a pending multi_part upload.`);
  const total = upload.numberOfParts ?? 0;
  const missing = Array.from({ length: total }, (_, i) => String(i + 1)).filter(
    (n) => !(n in upload.parts),
  );
  if (missing.length > 0)
    throw validationError(`File upload ${upload.id} is missing parts ${missing.join(', ')}.`);
  const joined = Buffer.concat(
    Array.from({ length: total }, (_, i) =>
      Buffer.from(upload.parts[String(i + 1)] ?? '', 'base64'),
    ),
  );
  if (joined.length > request.ws.fileUploadLimitBytes)
    throw validationError(
      `File size ${joined.length} exceeds the workspace's limit of ${request.ws.fileUploadLimitBytes} bytes.`,
    );
  upload.contentBase64 = joined.toString('base64');
  upload.parts = {};
  upload.status = 'uploaded';
  upload.lastEditedTime = request.ws.now();
  return renderUpload(request.ws, upload, request);
}

function listRoute(request: ApiRequest): JsonObject {
  const { ws, actor, query } = request;
  const status = query.get('status');
  // Newest first; uploads made within the same millisecond keep their creation order reversed
  // (state keeps insertion order), so paging is deterministic.
  const uploads = Object.values(ws.state.fileUploads)
    .map((upload, created) => ({ upload, created }))
    .filter(({ upload }) => upload.createdBy === actor.id && !upload.inTrash)
    .map(({ upload, created }) => ({ upload: refreshStatus(ws, upload), created }))
    .filter(({ upload }) => status === null || upload.status === status)
    .sort((a, b) => b.upload.createdTime - a.upload.createdTime || b.created - a.created)
    .map(({ upload }) => upload);
  return listResponse(
    uploads,
    (u) => u.id,
    (u) => renderUpload(ws, u, request),
    {
      cursor: query.get('start_cursor') ?? undefined,
      pageSize: pageSizeOf(query.get('page_size') ?? undefined, 'query.page_size'),
      type: 'file_upload',
    },
  );
}

export const fileUploadRoutes: Route[] = [
  { method: 'POST', template: '/v1/file_uploads', handler: createUploadRoute },
  { method: 'GET', template: '/v1/file_uploads', handler: listRoute },
  {
    method: 'GET',
    template: '/v1/file_uploads/{file_upload_id}',
    handler: (r) => renderUpload(r.ws, ownUpload(r), r),
  },
  {
    method: 'POST',
    template: '/v1/file_uploads/{file_upload_id}/send',
    handler: sendRoute,
    multipart: true,
  },
  {
    method: 'POST',
    template: '/v1/file_uploads/{file_upload_id}/complete',
    handler: completeRoute,
  },
];
