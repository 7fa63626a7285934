import type { NumaNode } from '../core/fleet/model.js';
import { parseCpuList } from '../core/pci-address.js';
import type { HostFs } from '../core/ports.js';
import type { NodeHugepages } from '../core/libvirt/domain-request.js';

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
  const meminfo = (await fs.readText('/proc/meminfo')) ?? '';
  const pageKb = /^Hugepagesize:\s+(\d+)\s+kB/m.exec(meminfo)?.[1];
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
    const hugepages = pageKb === undefined ? null : await readNodeHugepages(fs, e, Number(pageKb));
    numaNodes.push({
      node,
      socket,
      cpus: cpus.length,
      cpuList: cpus,
      ...(hugepages === null ? {} : { hugepages }),
    });
  }
  numaNodes.sort((a, b) => a.node - b.node);
  const kb = /^MemTotal:\s+(\d+)\s+kB/m.exec(meminfo)?.[1];
  return { numaNodes, memoryMb: kb === undefined ? null : Math.floor(Number(kb) / 1024) };
}

/**
 * The node's pages of the default hugepage size, the size a bare
 * `<hugepages/>` in a domain takes; null when the node has none reserved
 * (or the kernel has no hugetlbfs): nothing for a guest to use.
 */
async function readNodeHugepages(
  fs: HostFs,
  nodeDir: string,
  sizeKb: number,
): Promise<NodeHugepages | null> {
  const dir = `/sys/devices/system/node/${nodeDir}/hugepages/hugepages-${sizeKb}kB`;
  const count = async (f: string) => {
    const t = (await fs.readText(`${dir}/${f}`))?.trim() ?? '';
    return /^\d+$/.test(t) ? Number(t) : null;
  };
  const total = await count('nr_hugepages');
  const free = await count('free_hugepages');
  if (total === null || free === null || total === 0) return null;
  return { sizeKb, total, free: Math.min(free, total) };
}
