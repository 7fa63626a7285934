import { agentRoutes } from '../../api/routes/agent.js';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { NumaNode } from '../../core/fleet/model.js';
import type { ReportedPf } from '../../core/fleet/store.js';
import { appliedProblems, refuseProblems, reportProblems } from '../../core/fleet/report-checks.js';
import { shownVmState } from '../../core/fleet/vm-domain.js';
import { hostRenderFactsOf } from '../../core/fleet/host-render-facts.js';
import { NO_HYPERVISOR } from '../../core/libvirt/hypervisor-facts.js';
import { requireHost } from '../auth.js';
import { waitForDesired } from '../desired-poll.js';
import { deleted } from '../instances/delete-instance.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { hostOut, pfFields } from '../views.js';

export function registerAgentRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  const now = () => new Date(deps.now()).toISOString();
  const staleBefore = () => new Date(deps.now() - deps.config.staleAfterMs).toISOString();

  app.openapi(agentRoutes.register, async (c) => {
    const b = c.req.valid('json');
    requireHost(c.var.principal, b.host);
    const h = await deps.store.hosts.register(b.host, b.labels, now());
    return c.json(hostOut(h, staleBefore()), 200);
  });

  app.openapi(agentRoutes.report, async (c) => {
    const { id } = c.req.valid('param');
    requireHost(c.var.principal, id);
    const b = c.req.valid('json');
    // Before anything is written: a report is kept whole or not at all.
    refuseProblems(reportProblems(b), 'report');
    const pfs: ReportedPf[] = b.inventory.pfs.map((pf) => ({
      ...pfFields(pf),
      vfs: pf.vfs.map((v) => ({ index: v.index, pciAddress: v.pciAddress })),
    }));
    const h = await deps.store.hosts.report(
      id,
      {
        pfs,
        numaNodes: b.numaNodes.length > 0 ? b.numaNodes : numaFromPfs(b.inventory.pfs),
        memoryMb: b.memoryMb,
        healthy: !b.findings.some((f) => f.severity === 'error'),
        findings: b.findings,
      },
      now(),
    );
    await deps.store.vms.setFacts(
      id,
      hostRenderFactsOf(b.inventory, b.numaNodes, b.hypervisor ?? NO_HYPERVISOR, b.images ?? null),
      now(),
    );
    return c.json(hostOut(h, staleBefore()), 200);
  });

  app.openapi(agentRoutes.desired, async (c) => {
    const { id } = c.req.valid('param');
    requireHost(c.var.principal, id);
    const q = c.req.valid('query');
    // A zero wait is a plain read and replaces nothing.
    const poll = q.waitSeconds > 0 ? deps.longPolls.enter(`${c.var.principal.id}:${id}`) : null;
    try {
      return c.json(await waitForDesired(deps, id, q, c.req.raw.signal, poll?.replaced), 200);
    } finally {
      poll?.leave();
    }
  });

  app.openapi(agentRoutes.applied, async (c) => {
    const { id } = c.req.valid('param');
    requireHost(c.var.principal, id);
    const b = c.req.valid('json');
    refuseProblems(appliedProblems(b), 'apply result');
    const h = await deps.store.hosts.applied(id, b, now());
    if (b.irqs !== undefined) await deps.store.vms.setIrqPins(id, { ...b.irqs, at: now() });
    // Stored as shown: a render-only host's "running" domain is only rendered.
    const results = b.domains.map((d) => ({ ...d, state: shownVmState(d.state, d.hypervisor) }));
    // A domain gone as asked: its instance's VFs can now be released and reset.
    for (const gone of await deps.store.vms.recordResults(id, results, now())) {
      const inst = await deps.store.claims.getInstance(gone);
      const why = `host ${id} removed its domain; its VFs are released for reset`;
      await deps.store.claims.release(gone, {
        events: inst === null ? [] : [deleted(inst, why)],
        now: now(),
      });
    }
    return c.json(hostOut(h, staleBefore()), 200);
  });
}

/** Without an explicit topology, each PF's local CPUs stand for its node's CPUs. */
function numaFromPfs(
  pfs: readonly { numaNode: number | null; localCpuList?: unknown }[],
): NumaNode[] {
  const nodes = new Map<number, number>();
  for (const pf of pfs) {
    if (pf.numaNode === null) continue;
    const cpus = Array.isArray(pf.localCpuList) ? pf.localCpuList.length : 0;
    nodes.set(pf.numaNode, Math.max(nodes.get(pf.numaNode) ?? 0, cpus));
  }
  return [...nodes].map(([node, cpus]) => ({ node, socket: node, cpus }));
}
