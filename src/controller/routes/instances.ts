import { instanceRoutes } from '../../api/routes/instances.js';
import { portRoutes } from '../../api/routes/ports.js';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { requireRole, seenBy, tenantScope } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { createInstance } from '../instances/create-instance.js';
import { deleteInstance } from '../instances/delete-instance.js';
import { LIST_KEYS, pageOut, pageQuery } from '../pagination.js';
import { instanceOut, portOut, vmOut } from '../views.js';

export function registerInstanceRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  app.openapi(instanceRoutes.create, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    const key = c.req.valid('header')['idempotency-key'];
    const r = await createInstance(deps, c.var.principal, c.req.valid('json'), key);
    // A retry answers as the first request did: 201 with the instance (as it is now).
    if (r.replayed) c.header('Idempotent-Replayed', 'true');
    return c.json(instanceOut(r.instance), 201);
  });

  app.openapi(instanceRoutes.list, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    const key = LIST_KEYS.instances;
    const query = c.req.valid('query');
    const page = await deps.store.claims.pageInstances(
      {
        tenant: tenantScope(c.var.principal),
        host: query.host,
        owner: query.tenant,
        name: query.name,
        state: query.state,
      },
      pageQuery(key, query),
    );
    return c.json(pageOut(key, page, instanceOut), 200);
  });

  app.openapi(instanceRoutes.get, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    const { id } = c.req.valid('param');
    const inst = seenBy(c.var.principal, await deps.store.claims.getInstance(id), 'instance', id);
    return c.json({ ...instanceOut(inst), vm: vmOut(inst, await deps.store.vms.get(id)) }, 200);
  });

  app.openapi(instanceRoutes.remove, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    const r = await deleteInstance(deps, c.var.principal, c.req.valid('param').id);
    if (!r.deleting) return c.body(null, 204);
    return c.json({ ...instanceOut(r.instance), vm: vmOut(r.instance, r.vm) }, 202);
  });

  app.openapi(portRoutes.list, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    const key = LIST_KEYS.ports;
    const query = c.req.valid('query');
    const page = await deps.store.catalog.pagePorts(
      {
        tenant: tenantScope(c.var.principal),
        network: query.network,
        instance: query.instance,
        host: query.host,
        mac: query.mac,
      },
      pageQuery(key, query),
    );
    return c.json(pageOut(key, page, portOut), 200);
  });

  app.openapi(portRoutes.get, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    const { id } = c.req.valid('param');
    return c.json(
      portOut(seenBy(c.var.principal, await deps.store.catalog.getPort(id), 'port', id)),
      200,
    );
  });
}
