import { randomUUID } from 'node:crypto';
import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import { requireRole } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { specCreateSchema, specSchema, specUpdateSchema } from '../schemas/catalog.js';
import { errorResponses, idParam, jsonBody, jsonOk, security } from '../schemas/common.js';
import { checkSpec } from '../spec-checks.js';
import { mergeSpec } from '../spec-merge.js';
import { specOut } from '../views.js';
import { LIST_KEYS, pageOut, pageQuery, pageQuerySchema, pageSchema } from '../pagination.js';

const KEY = LIST_KEYS.specs;

/** Device specs: what agents apply (numVfs, VF driver) and how VFs are tagged (physnet, trusted). */
export function registerSpecRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  const tags = ['specs'];
  // Hosts whose tagging changed get a new desired generation (the store wakes their agents).
  const retag = async () => {
    await deps.store.hosts.retagAll();
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/specs',
      tags,
      security,
      summary: 'List device specs, oldest (governing) first (admin)',
      request: { query: pageQuerySchema },
      responses: { 200: jsonOk(pageSchema(specSchema, 'SpecPage'), 'Specs'), ...errorResponses },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin');
      const page = await deps.store.catalog.pageSpecs(pageQuery(KEY, c.req.valid('query')));
      return c.json(pageOut(KEY, page, specOut), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/specs',
      tags,
      security,
      summary: 'Declare a device spec; agents of matching hosts apply it (admin)',
      request: { body: jsonBody(specCreateSchema) },
      responses: { 201: jsonOk(specSchema, 'The spec'), ...errorResponses },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin');
      const b = c.req.valid('json');
      const spec = {
        id: randomUUID(),
        name: b.name,
        vendor: b.vendor ?? null,
        device: b.device ?? null,
        driver: b.driver ?? null,
        pciAddress: b.pciAddress ?? null,
        pf: b.pf ?? null,
        physnet: b.physnet,
        trusted: b.trusted,
        numVfs: b.numVfs ?? 0,
        vfDriver: b.vfDriver,
        wholePf: b.wholePf,
        createdAt: new Date(deps.now()).toISOString(),
      };
      await checkSpec(deps.store.catalog, spec);
      const created = await deps.store.catalog.createSpec(spec);
      await retag();
      return c.json(specOut(created), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/specs/{id}',
      tags,
      security,
      summary: 'One device spec (admin)',
      request: { params: idParam },
      responses: { 200: jsonOk(specSchema, 'The spec'), ...errorResponses },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin');
      const { id } = c.req.valid('param');
      const s = await deps.store.catalog.getSpec(id);
      if (s === null) throw new VfleetError('NOT_FOUND', `no spec ${id}`);
      return c.json(specOut(s), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/specs/{id}',
      tags,
      security,
      summary:
        'Change a device spec, checked as a new one; never takes VFs from their ports (admin)',
      request: { params: idParam, body: jsonBody(specUpdateSchema) },
      responses: { 200: jsonOk(specSchema, 'The spec'), ...errorResponses },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin');
      const { id } = c.req.valid('param');
      const cur = await deps.store.catalog.getSpec(id);
      if (cur === null) throw new VfleetError('NOT_FOUND', `no spec ${id}`);
      const spec = mergeSpec(cur, c.req.valid('json'));
      await checkSpec(deps.store.catalog, spec);
      const updated = await deps.store.catalog.updateSpec(spec);
      if (updated === null) throw new VfleetError('NOT_FOUND', `no spec ${id}`);
      await retag();
      return c.json(specOut(updated), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/specs/{id}',
      tags,
      security,
      summary: 'Delete a device spec; its PFs are no longer managed (admin)',
      request: { params: idParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin');
      const { id } = c.req.valid('param');
      if (!(await deps.store.catalog.removeSpec(id)))
        throw new VfleetError('NOT_FOUND', `no spec ${id}`);
      await retag();
      return c.body(null, 204);
    },
  );
}
