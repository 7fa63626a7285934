import { hostRoutes } from '../../api/routes/hosts.js';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import { requireRole } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { labelHost } from '../hosts/label-host.js';
import { hostDetailOut, hostOut } from '../views.js';
import { listHosts } from '../hosts/list-hosts.js';
import { setHostCordon } from '../hosts/cordon-host.js';
import { drainHost } from '../hosts/drain-host.js';
import { drainOut } from '../views-maintenance.js';
import { allocationOf, hostMemoryMb, nodeVcpus } from '../../core/fleet/allocation.js';

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
    const alloc = allocationOf(host, await deps.store.maintenance.allocationRules());
    const drain = await deps.store.maintenance.drain(id);
    return c.json(
      {
        ...hostDetailOut(host, staleBefore(), { pfs, vfs, holders, specs }),
        allocation: {
          rule: alloc.rule,
          cpuRatio: alloc.cpuRatio,
          memoryRatio: alloc.memoryRatio,
          reservedCpus: [...alloc.reservedCpus],
          reservedMemoryMb: alloc.reservedMemoryMb,
          vcpus: host.numaNodes.map((n) => ({ node: n.node, vcpus: nodeVcpus(n, alloc) })),
          memoryMb: hostMemoryMb(host.memoryMb, alloc),
        },
        drain: drain === null ? null : drainOut(drain),
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

  app.openapi(hostRoutes.cordon, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    return c.json(await setHostCordon(deps, id, true, body.reason ?? null), 200);
  });

  app.openapi(hostRoutes.uncordon, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { id } = c.req.valid('param');
    return c.json(await setHostCordon(deps, id, false, null), 200);
  });

  app.openapi(hostRoutes.drain, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const d = await drainHost(deps, id, {
      maxParallel: body.maxParallel,
      reason: body.reason ?? null,
    });
    return c.json(drainOut(d), 202);
  });

  app.openapi(hostRoutes.drainStatus, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { id } = c.req.valid('param');
    const d = await deps.store.maintenance.drain(id);
    if (d === null) throw new VfleetError('NOT_FOUND', `host ${id} has not been drained`);
    return c.json(drainOut(d), 200);
  });

  app.openapi(hostRoutes.update, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { id } = c.req.valid('param');
    const host = await labelHost(deps, id, c.req.valid('json'));
    return c.json(hostOut(host, staleBefore()), 200);
  });
}
