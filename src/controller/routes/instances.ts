import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { requireRole, seenBy, tenantScope } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { idempotencyHeaders } from '../idempotency.js';
import { createInstance } from '../instances/create-instance.js';
import { deleteInstance } from '../instances/delete-instance.js';
import { errorResponses, idParam, jsonBody, jsonOk, security } from '../schemas/common.js';
import { instanceCreateSchema, instanceSchema, portSchema } from '../schemas/instances.js';
import { instanceListQuery, portListQuery } from '../list-filters.js';
import { LIST_KEYS, pageOut, pageQuery, pageSchema } from '../pagination.js';
import { instanceOut, portOut, vmOut } from '../views.js';

export function registerInstanceRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/instances',
      tags: ['instances'],
      security,
      summary: 'Schedule an instance and claim a VF for each of its ports, all or nothing',
      description:
        'Answers 201 with the chosen host and, per port, the VF PCI address, PF, MAC and VLAN; or 409 NO_CAPACITY naming what was missing. VF ports bypass the host bridge: security groups cannot apply to them. With an `Idempotency-Key`, a retry of the same request answers with the instance the first one created (header `Idempotent-Replayed: true`) instead of creating another.',
      request: { body: jsonBody(instanceCreateSchema), headers: idempotencyHeaders },
      responses: {
        201: jsonOk(instanceSchema, 'The instance, its host and its ports'),
        ...errorResponses,
      },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin', 'tenant');
      const key = c.req.valid('header')['idempotency-key'];
      const r = await createInstance(deps, c.var.principal, c.req.valid('json'), key);
      // A retry answers as the first request did: 201 with the instance (as it is now).
      if (r.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(instanceOut(r.instance), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/instances',
      tags: ['instances'],
      security,
      summary: 'List instances, oldest first (a tenant sees its own)',
      request: { query: instanceListQuery },
      responses: {
        200: jsonOk(pageSchema(instanceSchema, 'InstancePage'), 'Instances'),
        ...errorResponses,
      },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin', 'tenant');
      const key = LIST_KEYS.instances;
      const query = c.req.valid('query');
      const page = await deps.store.claims.pageInstances(
        { tenant: tenantScope(c.var.principal), host: query.host },
        pageQuery(key, query),
      );
      return c.json(pageOut(key, page, instanceOut), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/instances/{id}',
      tags: ['instances'],
      security,
      summary: 'One instance with its ports',
      request: { params: idParam },
      responses: { 200: jsonOk(instanceSchema, 'The instance'), ...errorResponses },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin', 'tenant');
      const { id } = c.req.valid('param');
      const inst = seenBy(c.var.principal, await deps.store.claims.getInstance(id), 'instance', id);
      return c.json({ ...instanceOut(inst), vm: vmOut(inst, await deps.store.vms.get(id)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/instances/{id}',
      tags: ['instances'],
      security,
      summary: 'Release an instance: its VFs are reset by the agent before anyone gets them again',
      request: { params: idParam },
      responses: {
        202: jsonOk(
          instanceSchema,
          'Deleting: the agent removes the domain, then the VFs are released',
        ),
        204: { description: 'Released' },
        ...errorResponses,
      },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin', 'tenant');
      const r = await deleteInstance(deps, c.var.principal, c.req.valid('param').id);
      if (!r.deleting) return c.body(null, 204);
      return c.json({ ...instanceOut(r.instance), vm: vmOut(r.instance, r.vm) }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/ports',
      tags: ['ports'],
      security,
      summary: 'List ports with their VFs (a tenant sees its own)',
      request: { query: portListQuery },
      responses: { 200: jsonOk(pageSchema(portSchema, 'PortPage'), 'Ports'), ...errorResponses },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin', 'tenant');
      const key = LIST_KEYS.ports;
      const query = c.req.valid('query');
      const page = await deps.store.catalog.pagePorts(
        { tenant: tenantScope(c.var.principal), network: query.network },
        pageQuery(key, query),
      );
      return c.json(pageOut(key, page, portOut), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/ports/{id}',
      tags: ['ports'],
      security,
      summary: 'One port',
      request: { params: idParam },
      responses: { 200: jsonOk(portSchema, 'The port'), ...errorResponses },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin', 'tenant');
      const { id } = c.req.valid('param');
      return c.json(
        portOut(seenBy(c.var.principal, await deps.store.catalog.getPort(id), 'port', id)),
        200,
      );
    },
  );
}
