import { createRoute } from '@hono/zod-openapi';
import { errorResponses, idParam, jsonBody, jsonOk, security } from '../schemas/common.js';
import { pageQuerySchema, pageSchema } from '../schemas/pages.js';
import { migrateSchema, migrationSchema } from '../schemas/vms.js';

export const migrationRoutes = {
  start: createRoute({
    method: 'post',
    path: '/v1/instances/{id}/migrate',
    tags: ['instances'],
    security,
    summary: 'Live-migrate a booted instance with its VF ports',
    description:
      'Each direct port gets a VF on the target with the same MAC and VLAN; a failure at any step rolls back. Answers 202 at once: follow GET /v1/instances/{id}/migrations.',
    request: { params: idParam, body: jsonBody(migrateSchema) },
    responses: { 202: jsonOk(migrationSchema, 'The migration, started'), ...errorResponses },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/instances/{id}/migrations',
    tags: ['instances'],
    security,
    summary: "The instance's migrations, newest first, with their steps",
    request: { params: idParam, query: pageQuerySchema },
    responses: {
      200: jsonOk(pageSchema(migrationSchema, 'MigrationPage'), 'Migrations'),
      ...errorResponses,
    },
  }),
};
