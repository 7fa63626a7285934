import type { NumaNode } from '../core/fleet/model.js';
import { parseCpuList } from '../core/pci-address.js';
import type { HostFs } from '../core/ports.js';

export interface HostTopology {
  readonly numaNodes: NumaNode[];
  readonly memoryMb: number | null;
}

/**
 * NUMA nodes with their CPU counts and sockets, and total memory, as the
 * scheduler counts them (free vCPUs on the VF's node). Unreadable parts are
 * left out rather than guessed.
 */
export async function readHostTopology(fs: HostFs): Promise<HostTopology> {
  const entries = (await fs.listDir('/sys/devices/system/node')) ?? [];
  const numaNodes: NumaNode[] = [];
  for (const e of entries) {
    const m = /^node(\d+)$/.exec(e);
    if (!m?.[1]) continue;
    const cpus = parseCpuList((await fs.readText(`/sys/devices/system/node/${e}/cpulist`)) ?? '');
    if (cpus === null || cpus.length === 0) continue;
    const pkg = await fs.readText(
      `/sys/devices/system/cpu/cpu${cpus[0] ?? 0}/topology/physical_package_id`,
    );
    const node = Number(m[1]);
    const socket = pkg === null || !/^\d+$/.test(pkg.trim()) ? node : Number(pkg.trim());
    numaNodes.push({ node, socket, cpus: cpus.length, cpuList: cpus });
  }
  numaNodes.sort((a, b) => a.node - b.node);
  const meminfo = (await fs.readText('/proc/meminfo')) ?? '';
  const kb = /^MemTotal:\s+(\d+)\s+kB/m.exec(meminfo)?.[1];
  return { numaNodes, memoryMb: kb === undefined ? null : Math.floor(Number(kb) / 1024) };
}
