// The OpenAPI 3.1 document of /api/v1 (served at /api/v1/openapi.json). Kept beside the routes
// it describes; a test checks every route of the API app appears here.
import { VERSION } from '../version.ts';

const error = { $ref: '#/components/responses/Error' };
const json = (description: string, schema: object = { type: 'object' }) => ({
  description,
  content: { 'application/json': { schema } },
});
const nameParam = {
  name: 'name',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'Source name from the config',
};
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer' } };
const query = (name: string, schema: object, description: string) => ({
  name,
  in: 'query',
  required: false,
  schema,
  description,
});

function trigger(kind: string) {
  return {
    post: {
      summary: `Start a ${kind} of the source`,
      parameters: [nameParam],
      responses: {
        '202': json('Started; the run id', {
          type: 'object',
          properties: {
            source: { type: 'string' },
            kind: { type: 'string' },
            runId: { type: ['integer', 'null'] },
          },
        }),
        '400': error,
        '401': error,
        '404': error,
        '409': error,
      },
    },
  };
}

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'notion-sync API',
      version: VERSION,
      description:
        'Sources, runs, history, conflicts and webhooks of a `notion-sync serve` process.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'NOTION_SYNC_API_TOKEN' },
      },
      responses: {
        Error: json('Error', {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: { code: { type: 'string' }, message: { type: 'string' } },
              required: ['code', 'message'],
            },
          },
        }),
      },
    },
    paths: {
      '/sources': {
        get: {
          summary: 'Every configured source with its status, schedule and last webhook',
          responses: { '200': json('Sources'), '401': error },
        },
      },
      '/sources/{name}': {
        get: {
          summary: 'One source',
          parameters: [nameParam],
          responses: { '200': json('Source'), '401': error, '404': error },
        },
      },
      '/sources/{name}/pull': trigger('pull'),
      '/sources/{name}/push': trigger('push'),
      '/sources/{name}/sync': trigger('sync'),
      '/runs': {
        get: {
          summary: 'Runs, newest first, paged with `before`',
          parameters: [
            query('source', { type: 'string' }, 'Only this source'),
            query(
              'status',
              { enum: ['running', 'ok', 'failed', 'partial', 'interrupted'] },
              'Only runs in this state',
            ),
            query('kind', { enum: ['pull', 'push', 'refresh'] }, 'Only runs of this kind'),
            query(
              'trigger',
              { type: 'string' },
              'Triggers starting with this (schedule, api, webhook:)',
            ),
            query('limit', { type: 'integer', minimum: 1, maximum: 500, default: 50 }, 'Page size'),
            query(
              'before',
              { type: 'integer' },
              'Runs with a smaller id (the `next` of the previous page)',
            ),
          ],
          responses: { '200': json('A page of runs'), '400': error, '401': error, '404': error },
        },
      },
      '/runs/{id}': {
        get: {
          summary: 'One run',
          parameters: [idParam],
          responses: { '200': json('Run'), '401': error, '404': error },
        },
      },
      '/records/{pageId}/history': {
        get: {
          summary: "A record's versions with per-property diffs",
          parameters: [{ name: 'pageId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': json('History'), '400': error, '401': error, '404': error },
        },
      },
      '/conflicts': {
        get: {
          summary: 'Conflicts (open by default)',
          parameters: [
            query('source', { type: 'string' }, 'Only this source'),
            query('state', { enum: ['open', 'resolved', 'all'] }, 'Which conflicts'),
          ],
          responses: { '200': json('Conflicts'), '400': error, '401': error, '404': error },
        },
      },
      '/conflicts/{id}': {
        get: {
          summary: 'One conflict',
          parameters: [idParam],
          responses: { '200': json('Conflict'), '401': error, '404': error },
        },
      },
      '/conflicts/{id}/resolve': {
        post: {
          summary: 'Resolve a conflict: take notion, local, or a value',
          parameters: [idParam],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { take: { enum: ['notion', 'local', 'value'] }, value: {} },
                  required: ['take'],
                },
              },
            },
          },
          responses: {
            '200': json('The resolved conflict'),
            '400': error,
            '401': error,
            '404': error,
          },
        },
      },
      '/webhooks': {
        get: {
          summary: 'Webhook connections, event counts and parked events',
          responses: { '200': json('Webhooks'), '401': error },
        },
      },
      '/openapi.json': {
        get: {
          summary: 'This document',
          security: [],
          responses: { '200': json('OpenAPI document') },
        },
      },
    },
  };
}
