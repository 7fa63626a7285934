import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import { requireRole } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { errorResponses, idParam, jsonBody, jsonOk, security } from '../schemas/common.js';
import { hostDetailSchema, hostPatchSchema, hostSchema } from '../schemas/hosts.js';
import { hostDetailOut, hostOut } from '../views.js';

export function registerHostRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  const staleBefore = () => new Date(deps.now() - deps.config.staleAfterMs).toISOString();
  const tags = ['hosts'];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/hosts',
      tags,
      security,
      summary: 'List hosts with health and readiness (admin)',
      responses: { 200: jsonOk(z.array(hostSchema), 'Hosts'), ...errorResponses },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin');
      const sb = staleBefore();
      return c.json(
        (await deps.store.hosts.list()).map((h) => hostOut(h, sb)),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/hosts/{id}',
      tags,
      security,
      summary: 'One host with its PFs and VFs (admin)',
      request: { params: idParam },
      responses: { 200: jsonOk(hostDetailSchema, 'The host'), ...errorResponses },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin');
      const { id } = c.req.valid('param');
      const host = await deps.store.hosts.get(id);
      if (host === null) throw new VfleetError('NOT_FOUND', `no host ${id}`);
      const { pfs, vfs } = await deps.store.hosts.devices(id);
      const irqPins = await deps.store.vms.irqPins(id);
      return c.json(
        {
          ...hostDetailOut(host, staleBefore(), pfs, vfs),
          irqPins: irqPins === null ? null : { ...irqPins, lines: [...irqPins.lines] },
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/hosts/{id}',
      tags,
      security,
      summary: "Set a host's labels (aggregates) (admin)",
      request: { params: idParam, body: jsonBody(hostPatchSchema) },
      responses: { 200: jsonOk(hostSchema, 'The host'), ...errorResponses },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin');
      const { id } = c.req.valid('param');
      const host = await deps.store.hosts.setLabels(id, c.req.valid('json').labels);
      if (host === null) throw new VfleetError('NOT_FOUND', `no host ${id}`);
      return c.json(hostOut(host, staleBefore()), 200);
    },
  );
}
