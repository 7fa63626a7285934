import { specRoutes } from '../../api/routes/specs.js';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import { requireRole } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { checkSpec } from '../spec-checks.js';
import { mergeSpec } from '../spec-merge.js';
import { specOut } from '../views.js';
import { LIST_KEYS, pageOut, pageQuery } from '../pagination.js';

const KEY = LIST_KEYS.specs;

/** Device specs: what agents apply (numVfs, VF driver) and how VFs are tagged (physnet, trusted). */
export function registerSpecRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  const retag = async () => {
    // Hosts whose tagging changed get a new desired generation (the store wakes their agents).
    await deps.store.hosts.retagAll();
  };

  app.openapi(specRoutes.list, async (c) => {
    requireRole(c.var.principal, 'admin');
    const page = await deps.store.catalog.pageSpecs(pageQuery(KEY, c.req.valid('query')));
    return c.json(pageOut(KEY, page, specOut), 200);
  });

  app.openapi(specRoutes.create, async (c) => {
    requireRole(c.var.principal, 'admin');
    const b = c.req.valid('json');
    const spec = {
      id: deps.ids.uuid(),
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
  });

  app.openapi(specRoutes.get, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { id } = c.req.valid('param');
    const s = await deps.store.catalog.getSpec(id);
    if (s === null) throw new VfleetError('NOT_FOUND', `no spec ${id}`);
    return c.json(specOut(s), 200);
  });

  app.openapi(specRoutes.update, async (c) => {
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
  });

  app.openapi(specRoutes.remove, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { id } = c.req.valid('param');
    if (!(await deps.store.catalog.removeSpec(id)))
      throw new VfleetError('NOT_FOUND', `no spec ${id}`);
    await retag();
    return c.body(null, 204);
  });
}
