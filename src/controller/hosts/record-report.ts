import type { z } from '@hono/zod-openapi';
import type { Host, NumaNode } from '../../core/fleet/model.js';
import type { ReportedPf } from '../../core/fleet/host-store.js';
import { refuseProblems, reportProblems } from '../../core/fleet/report-checks.js';
import { hostRenderFactsOf, vhostVdpaDev } from '../../core/fleet/host-render-facts.js';
import { NO_HYPERVISOR } from '../../core/libvirt/hypervisor-facts.js';
import type { reportSchema } from '../../api/schemas/agent.js';
import type { ControllerDeps } from '../controller-deps.js';
import { pfFields } from '../views.js';

type Report = z.infer<typeof reportSchema>;

/**
 * `POST /v1/agent/hosts/{id}/report`: a host's inventory, health and the
 * facts the domain renderer needs about its devices. Checked whole before
 * anything is written, then written in one transaction, so a report is kept
 * whole or not at all.
 */
export async function recordReport(deps: ControllerDeps, id: string, b: Report): Promise<Host> {
  refuseProblems(reportProblems(b), 'report');
  const now = new Date(deps.now()).toISOString();
  const pfs: ReportedPf[] = b.inventory.pfs.map((pf) => ({
    ...pfFields(pf),
    link: {
      state: pf.linkState ?? null,
      adminUp: pf.adminUp ?? null,
      speedMbps: pf.speedMbps ?? null,
    },
    vfs: pf.vfs.map((v) => ({
      index: v.index,
      pciAddress: v.pciAddress,
      reported: {
        driver: v.driver ?? null,
        iommuGroup: v.iommuGroup ?? null,
        netdev: v.netdev ?? null,
        vdpaDev: vhostVdpaDev(v.vdpa),
        representor: v.representor ?? null,
      },
    })),
  }));
  return deps.store.hosts.report(
    id,
    {
      pfs,
      numaNodes: b.numaNodes.length > 0 ? b.numaNodes : numaFromPfs(b.inventory.pfs),
      memoryMb: b.memoryMb,
      healthy: !b.findings.some((f) => f.severity === 'error'),
      findings: b.findings,
    },
    hostRenderFactsOf(b.inventory, b.numaNodes, b.hypervisor ?? NO_HYPERVISOR, b.images ?? null),
    now,
  );
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
