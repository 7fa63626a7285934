import { networkRoutes } from '../../api/routes/networks.js';
import { physnetRoutes } from '../../api/routes/physnets.js';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import { requireRole, tenantScope } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { LIST_KEYS, pageOut, pageQuery } from '../pagination.js';
import { networkOut } from '../views.js';

export function registerNetworkRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  const cat = deps.store.catalog;

  app.openapi(physnetRoutes.list, async (c) => {
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
  });
  app.openapi(physnetRoutes.create, async (c) => {
    requireRole(c.var.principal, 'admin');
    const b = c.req.valid('json');
    await cat.createPhysnet(b);
    return c.json(b, 201);
  });
  app.openapi(physnetRoutes.get, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    const p = await cat.getPhysnet(c.req.valid('param').name);
    if (p === null) throw new VfleetError('NOT_FOUND', `no physnet ${c.req.valid('param').name}`);
    return c.json({ name: p.name, vlanRanges: p.vlanRanges.map((r) => ({ ...r })) }, 200);
  });
  app.openapi(physnetRoutes.update, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { name } = c.req.valid('param');
    const p = await cat.updatePhysnet({ name, vlanRanges: c.req.valid('json').vlanRanges });
    if (p === null) throw new VfleetError('NOT_FOUND', `no physnet ${name}`);
    return c.json({ name: p.name, vlanRanges: p.vlanRanges.map((r) => ({ ...r })) }, 200);
  });
  app.openapi(physnetRoutes.remove, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { name } = c.req.valid('param');
    if (!(await cat.removePhysnet(name))) throw new VfleetError('NOT_FOUND', `no physnet ${name}`);
    return c.body(null, 204);
  });

  app.openapi(networkRoutes.list, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    const key = LIST_KEYS.networks;
    const q = pageQuery(key, c.req.valid('query'));
    const page = await cat.pageNetworks(tenantScope(c.var.principal), q);
    return c.json(pageOut(key, page, networkOut), 200);
  });
  app.openapi(networkRoutes.create, async (c) => {
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
      id: deps.ids.uuid(),
      name: b.name,
      tenant,
      physnet: b.physnet,
      vlan: b.vlan ?? null,
      quotas: deps.config.quotas,
      revealOthers: who.role === 'admin',
    });
    return c.json(networkOut(n), 201);
  });
  const owned = async (who: Parameters<typeof tenantScope>[0], id: string) => {
    const n = await cat.getNetwork(id);
    const scope = tenantScope(who);
    if (n === null || (scope !== null && n.tenant !== scope))
      throw new VfleetError('NOT_FOUND', `no network ${id}`);
    return n;
  };
  app.openapi(networkRoutes.get, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    return c.json(networkOut(await owned(c.var.principal, c.req.valid('param').id)), 200);
  });
  app.openapi(networkRoutes.update, async (c) => {
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
  });
  app.openapi(networkRoutes.remove, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    const n = await owned(c.var.principal, c.req.valid('param').id);
    await cat.removeNetwork(n.id);
    return c.body(null, 204);
  });
}
