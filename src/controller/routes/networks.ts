import { randomUUID } from 'node:crypto';
import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import { requireRole, tenantScope } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import {
  networkCreateSchema,
  networkSchema,
  networkUpdateSchema,
  physnetSchema,
  physnetUpdateSchema,
} from '../schemas/catalog.js';
import {
  errorResponses,
  idParam,
  jsonBody,
  jsonOk,
  nameParam,
  security,
} from '../schemas/common.js';
import { LIST_KEYS, pageOut, pageQuery, pageQuerySchema, pageSchema } from '../pagination.js';
import { networkOut } from '../views.js';

export function registerNetworkRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  const cat = deps.store.catalog;
  const ok = { 200: jsonOk(physnetSchema, 'The physnet'), ...errorResponses };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/physnets',
      tags: ['physnets'],
      security,
      summary: 'List physical networks (admin, tenant)',
      request: { query: pageQuerySchema },
      responses: {
        200: jsonOk(pageSchema(physnetSchema, 'PhysnetPage'), 'Physnets'),
        ...errorResponses,
      },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin', 'tenant');
      const key = LIST_KEYS.physnets;
      const page = await cat.pagePhysnets(pageQuery(key, c.req.valid('query')));
      return c.json(
        pageOut(key, page, (p) => ({
          name: p.name,
          vlanRanges: p.vlanRanges.map((r) => ({ ...r })),
        })),
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/physnets',
      tags: ['physnets'],
      security,
      summary: 'Create a physical network with its tenant VLAN ranges (admin)',
      request: { body: jsonBody(physnetSchema) },
      responses: { 201: jsonOk(physnetSchema, 'The physnet'), ...errorResponses },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin');
      const b = c.req.valid('json');
      await cat.createPhysnet(b);
      return c.json(b, 201);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/physnets/{name}',
      tags: ['physnets'],
      security,
      summary: 'One physical network (admin, tenant)',
      request: { params: nameParam },
      responses: ok,
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin', 'tenant');
      const p = await cat.getPhysnet(c.req.valid('param').name);
      if (p === null) throw new VfleetError('NOT_FOUND', `no physnet ${c.req.valid('param').name}`);
      return c.json({ name: p.name, vlanRanges: p.vlanRanges.map((r) => ({ ...r })) }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/physnets/{name}',
      tags: ['physnets'],
      security,
      summary: 'New VLAN ranges; they must keep the VLAN of every network on it (admin)',
      request: { params: nameParam, body: jsonBody(physnetUpdateSchema) },
      responses: ok,
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin');
      const { name } = c.req.valid('param');
      const p = await cat.updatePhysnet({ name, vlanRanges: c.req.valid('json').vlanRanges });
      if (p === null) throw new VfleetError('NOT_FOUND', `no physnet ${name}`);
      return c.json({ name: p.name, vlanRanges: p.vlanRanges.map((r) => ({ ...r })) }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/physnets/{name}',
      tags: ['physnets'],
      security,
      summary: 'Delete an unused physical network (admin)',
      request: { params: nameParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin');
      const { name } = c.req.valid('param');
      if (!(await cat.removePhysnet(name)))
        throw new VfleetError('NOT_FOUND', `no physnet ${name}`);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/networks',
      tags: ['networks'],
      security,
      summary: 'List networks (a tenant sees its own)',
      request: { query: pageQuerySchema },
      responses: {
        200: jsonOk(pageSchema(networkSchema, 'NetworkPage'), 'Networks'),
        ...errorResponses,
      },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin', 'tenant');
      const key = LIST_KEYS.networks;
      const q = pageQuery(key, c.req.valid('query'));
      const page = await cat.pageNetworks(tenantScope(c.var.principal), q);
      return c.json(pageOut(key, page, networkOut), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/networks',
      tags: ['networks'],
      security,
      summary: 'Create a network: a physnet and a VLAN (the lowest free one when omitted)',
      request: { body: jsonBody(networkCreateSchema) },
      responses: { 201: jsonOk(networkSchema, 'The network'), ...errorResponses },
    }),
    async (c) => {
      const who = c.var.principal;
      requireRole(who, 'admin', 'tenant');
      const b = c.req.valid('json');
      if (who.role === 'tenant' && b.tenant !== undefined && b.tenant !== who.tenant) {
        throw new VfleetError(
          'FORBIDDEN',
          'a tenant token creates networks for its own tenant only',
          { field: 'tenant' },
        );
      }
      const tenant = who.role === 'admin' ? (b.tenant ?? 'admin') : (who.tenant ?? '');
      const n = await cat.createNetwork({
        id: randomUUID(),
        name: b.name,
        tenant,
        physnet: b.physnet,
        vlan: b.vlan ?? null,
        quotas: deps.config.quotas,
        revealOthers: who.role === 'admin',
      });
      return c.json(networkOut(n), 201);
    },
  );
  const owned = async (who: Parameters<typeof tenantScope>[0], id: string) => {
    const n = await cat.getNetwork(id);
    const scope = tenantScope(who);
    if (n === null || (scope !== null && n.tenant !== scope))
      throw new VfleetError('NOT_FOUND', `no network ${id}`);
    return n;
  };
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/networks/{id}',
      tags: ['networks'],
      security,
      summary: 'One network',
      request: { params: idParam },
      responses: { 200: jsonOk(networkSchema, 'The network'), ...errorResponses },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin', 'tenant');
      return c.json(networkOut(await owned(c.var.principal, c.req.valid('param').id)), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/networks/{id}',
      tags: ['networks'],
      security,
      summary: 'Rename a network; a new VLAN or physnet only while no port uses it',
      request: { params: idParam, body: jsonBody(networkUpdateSchema) },
      responses: { 200: jsonOk(networkSchema, 'The network'), ...errorResponses },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin', 'tenant');
      const n = await owned(c.var.principal, c.req.valid('param').id);
      const updated = await cat.updateNetwork(
        n.id,
        c.req.valid('json'),
        deps.config.quotas,
        c.var.principal.role === 'admin',
      );
      if (updated === null) throw new VfleetError('NOT_FOUND', `no network ${n.id}`);
      return c.json(networkOut(updated), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/networks/{id}',
      tags: ['networks'],
      security,
      summary: 'Delete a network without ports',
      request: { params: idParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin', 'tenant');
      const n = await owned(c.var.principal, c.req.valid('param').id);
      await cat.removeNetwork(n.id);
      return c.body(null, 204);
    },
  );
}
