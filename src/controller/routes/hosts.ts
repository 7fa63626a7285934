import { hostRoutes } from '../../api/routes/hosts.js';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import { requireRole } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { labelHost } from '../hosts/label-host.js';
import { hostDetailOut, hostOut } from '../views.js';
import { listHosts } from '../hosts/list-hosts.js';

export function registerHostRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  const staleBefore = () => new Date(deps.now() - deps.config.staleAfterMs).toISOString();

  app.openapi(hostRoutes.list, async (c) => {
    requireRole(c.var.principal, 'admin');
    return c.json(await listHosts(deps, c.req.valid('query')), 200);
  });

  app.openapi(hostRoutes.get, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { id } = c.req.valid('param');
    const host = await deps.store.hosts.get(id);
    if (host === null) throw new VfleetError('NOT_FOUND', `no host ${id}`);
    const { pfs, vfs } = await deps.store.hosts.devices(id);
    const holders = await deps.store.hosts.holders(id);
    const specs = await deps.store.catalog.listSpecs();
    const irqPins = await deps.store.vms.irqPins(id);
    const hv = (await deps.store.vms.facts(id))?.hypervisor;
    const kind = hv?.kind ?? null;
    return c.json(
      {
        ...hostDetailOut(host, staleBefore(), { pfs, vfs, holders, specs }),
        irqPins: irqPins === null ? null : { ...irqPins, lines: [...irqPins.lines] },
        // Named field by field: what the store keeps beside them is not the API's.
        // Before its agent said (or an agent that drives no libvirt): null.
        hypervisor:
          hv === undefined || kind === null
            ? null
            : {
                kind,
                virtType: hv.virtType ?? null,
                migrationUri: hv.migrationUri,
                reason: hv.reason,
              },
      },
      200,
    );
  });

  app.openapi(hostRoutes.update, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { id } = c.req.valid('param');
    const host = await labelHost(deps, id, c.req.valid('json'));
    return c.json(hostOut(host, staleBefore()), 200);
  });
}
