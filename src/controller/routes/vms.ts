import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import type { InstanceView } from '../../core/fleet/store.js';
import type { Token } from '../../core/fleet/model.js';
import { requireHost, requireRole, seenBy } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { startLiveMigration } from '../live-migration-start.js';
import { errorResponses, idParam, jsonBody, jsonOk, security } from '../schemas/common.js';
import {
  domainXmlSchema,
  migrateSchema,
  migrationSchema,
  taskResultSchema,
} from '../schemas/vms.js';
import { renderVm } from '../vm-render.js';
import { LIST_KEYS, pageOut, pageQuery, pageQuerySchema, pageSchema } from '../pagination.js';

async function visibleInstance(
  deps: ControllerDeps,
  who: Token,
  id: string,
): Promise<InstanceView> {
  requireRole(who, 'admin', 'tenant');
  return seenBy(who, await deps.store.claims.getInstance(id), 'instance', id);
}

/** Domain XML, live migration, and the agents' task results (docs/libvirt.md). */
export function registerVmRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  const tags = ['instances'];
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/instances/{id}/xml',
      tags,
      security,
      summary: "The libvirt domain XML the host's agent defines for the instance",
      request: { params: idParam },
      responses: {
        200: jsonOk(domainXmlSchema, 'Domain XML and NUMA placement'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const inst = await visibleInstance(deps, c.var.principal, c.req.valid('param').id);
      const vm = await deps.store.vms.get(inst.id);
      if (vm === null)
        throw new VfleetError('CONFLICT', `instance ${inst.name} was not booted: it has no domain`);
      const r = await renderVm(deps, inst, vm);
      const p = r.placement;
      const placement =
        p === null
          ? null
          : { policy: p.policy, nodes: [...p.nodes], cpus: [...p.cpus], memoryMode: p.memoryMode };
      return c.json({ domain: r.domain, xml: r.xml, placement }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/instances/{id}/migrate',
      tags,
      security,
      summary: 'Live-migrate a booted instance with its VF ports',
      description:
        'Each direct port gets a VF on the target with the same MAC and VLAN; a failure at any step rolls back. Answers 202 at once: follow GET /v1/instances/{id}/migrations.',
      request: { params: idParam, body: jsonBody(migrateSchema) },
      responses: { 202: jsonOk(migrationSchema, 'The migration, started'), ...errorResponses },
    }),
    async (c) => {
      const inst = await visibleInstance(deps, c.var.principal, c.req.valid('param').id);
      const m = await startLiveMigration(deps, inst, c.req.valid('json').host);
      return c.json(m, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/instances/{id}/migrations',
      tags,
      security,
      summary: "The instance's migrations, newest first, with their steps",
      request: { params: idParam, query: pageQuerySchema },
      responses: {
        200: jsonOk(pageSchema(migrationSchema, 'MigrationPage'), 'Migrations'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const inst = await visibleInstance(deps, c.var.principal, c.req.valid('param').id);
      const key = LIST_KEYS.migrations;
      const page = await deps.store.vms.pageMigrations(
        inst.id,
        pageQuery(key, c.req.valid('query')),
      );
      return c.json(
        pageOut(key, page, (m) => m),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/agent/hosts/{id}/tasks/{task}',
      tags: ['agent'],
      security,
      summary: 'Report the result of a hypervisor task',
      request: {
        params: idParam.extend({ task: z.string().min(1).max(64) }),
        body: jsonBody(taskResultSchema),
      },
      responses: { 204: { description: 'Recorded' }, ...errorResponses },
    }),
    async (c) => {
      const { id, task } = c.req.valid('param');
      requireHost(c.var.principal, id);
      const b = c.req.valid('json');
      const now = new Date(deps.now()).toISOString();
      if (!(await deps.store.vms.finishTask(id, task, b.ok, b.message, now)))
        throw new VfleetError('NOT_FOUND', `no pending task ${task} for host ${id}`);
      deps.feed.notify(`task:${id}`);
      deps.liveMigrations?.kick();
      return c.body(null, 204);
    },
  );
}
