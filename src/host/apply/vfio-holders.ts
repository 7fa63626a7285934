import type { InUseFacts, VfioHolder } from '../../core/plan/safety.js';
import type { HostFs } from '../../core/ports.js';

const VFIO_GROUP_RE = /^\/dev\/vfio\/(\d+)$/;

/** /dev/vfio/<group> files one process holds open; null when its fds cannot be read. */
async function groupsOf(fs: HostFs, pid: string): Promise<number[] | null> {
  let fds: readonly string[] | null;
  try {
    fds = await fs.listDir(`/proc/${pid}/fd`);
  } catch {
    return null; // EACCES: not ours to read
  }
  if (fds === null) return []; // gone meanwhile
  const targets = await Promise.all(
    fds.map((fd) => fs.readLink(`/proc/${pid}/fd/${fd}`).catch(() => null)),
  );
  const groups = new Set<number>();
  for (const t of targets) {
    const m = t === null ? null : VFIO_GROUP_RE.exec(t);
    if (m?.[1] !== undefined) groups.add(Number(m[1]));
  }
  return [...groups];
}

/**
 * Who holds VFIO groups open, from /proc/<pid>/fd/* links (what `lsof
 * /dev/vfio/N` shows): a VM or DPDK process using a VF bound to vfio-pci.
 */
export async function scanVfioHolders(fs: HostFs): Promise<InUseFacts> {
  const pids = ((await fs.listDir('/proc')) ?? []).filter((e) => /^\d+$/.test(e));
  const holders: VfioHolder[] = [];
  let uninspected = 0;
  const CHUNK = 64; // bounded parallelism: hosts run thousands of processes
  for (let i = 0; i < pids.length; i += CHUNK) {
    const chunk = pids.slice(i, i + CHUNK);
    const results = await Promise.all(chunk.map((pid) => groupsOf(fs, pid)));
    for (const [j, groups] of results.entries()) {
      const pid = chunk[j];
      if (pid === undefined) continue;
      if (groups === null) {
        uninspected++;
        continue;
      }
      if (groups.length === 0) continue;
      const comm = (await fs.readText(`/proc/${pid}/comm`).catch(() => null))?.trim() ?? '';
      const command = comm === '' ? null : comm;
      for (const group of groups) holders.push({ group, pid: Number(pid), command });
    }
  }
  return { vfioHolders: holders, uninspectedProcesses: uninspected };
}
