import type { OpenAPIHono } from '@hono/zod-openapi';
import { agentRoutes } from '../../api/routes/agent.js';
import { instanceRoutes } from '../../api/routes/instances.js';
import { migrationRoutes } from '../../api/routes/migrations.js';
import { VfleetError } from '../../core/errors.js';
import type { InstanceView } from '../../core/fleet/claim-store.js';
import type { Token } from '../../core/fleet/model.js';
import { requireHost, requireRole, seenBy } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { startLiveMigration } from '../live-migrations/start-live-migration.js';
import { guestSeedOf, renderVm } from '../vm-render.js';
import { LIST_KEYS, pageOut, pageQuery } from '../pagination.js';

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
  app.openapi(instanceRoutes.xml, async (c) => {
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
  });

  app.openapi(instanceRoutes.cloudInit, async (c) => {
    const inst = await visibleInstance(deps, c.var.principal, c.req.valid('param').id);
    const vm = await deps.store.vms.get(inst.id);
    if (vm === null)
      throw new VfleetError('CONFLICT', `instance ${inst.name} was not booted: it has no domain`);
    return c.json(guestSeedOf(inst, vm), 200);
  });

  app.openapi(migrationRoutes.start, async (c) => {
    const inst = await visibleInstance(deps, c.var.principal, c.req.valid('param').id);
    const m = await startLiveMigration(deps, inst, c.req.valid('json').host);
    return c.json(m, 202);
  });

  app.openapi(migrationRoutes.list, async (c) => {
    const inst = await visibleInstance(deps, c.var.principal, c.req.valid('param').id);
    const key = LIST_KEYS.migrations;
    const page = await deps.store.vms.pageMigrations(inst.id, pageQuery(key, c.req.valid('query')));
    return c.json(
      pageOut(key, page, (m) => m),
      200,
    );
  });

  app.openapi(agentRoutes.taskDone, async (c) => {
    const { id, task } = c.req.valid('param');
    requireHost(c.var.principal, id);
    const b = c.req.valid('json');
    const now = new Date(deps.now()).toISOString();
    if (!(await deps.store.vms.finishTask(id, task, b.ok, b.message, now)))
      throw new VfleetError('NOT_FOUND', `no pending task ${task} for host ${id}`);
    // The store's notice wakes the task's waiters; the reconciler here moves on at once.
    deps.liveMigrations?.kick();
    return c.body(null, 204);
  });
}
