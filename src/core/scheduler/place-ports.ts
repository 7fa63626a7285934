import { assignPorts } from './assign-ports.js';
import type { CandidatePf, PortNeed, PortPlacement } from './types.js';

/**
 * Puts every port of a request on the PFs of one host: VF ports through
 * assignPorts, `direct-physical` ports each on a free whole PF of their
 * physnet. A whole PF has no VFs, so whole PFs are distinct from each other
 * and from the VF ports' PFs by construction (distinctPfs holds for them).
 * Work stays linear: ports + PFs for the whole ones.
 */
export function placePorts(
  ports: readonly PortNeed[],
  pfs: readonly CandidatePf[],
  distinctPfs: boolean,
): PortPlacement[] | null {
  const vfAt: number[] = [];
  const wholeAt: number[] = [];
  ports.forEach((p, i) => (p.wholePf === true ? wholeAt : vfAt).push(i));
  const out = new Array<PortPlacement | undefined>(ports.length);
  if (vfAt.length > 0) {
    const vfNeeds = vfAt.map((i) => ports[i]).filter((p): p is PortNeed => p !== undefined);
    const vf = assignPorts(vfNeeds, pfs, distinctPfs);
    if (vf === null) return null;
    vfAt.forEach((i, j) => (out[i] = vf[j]));
  }
  if (wholeAt.length > 0) {
    const free = wholeByPhysnet(pfs);
    for (const i of wholeAt) {
      const physnet = ports[i]?.physnet ?? '';
      const pfId = free.get(physnet)?.pop();
      if (pfId === undefined) return null;
      out[i] = { pfId, physnet, vfTrusted: false, wholePf: true };
    }
  }
  const placed = out.filter((x): x is PortPlacement => x !== undefined);
  return placed.length === ports.length ? placed : null;
}

/** Free whole PFs per physnet, the first listed taken first. */
function wholeByPhysnet(pfs: readonly CandidatePf[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const pf of pfs) {
    if (pf.whole === undefined) continue;
    const list = out.get(pf.whole.physnet) ?? [];
    list.push(pf.id);
    out.set(pf.whole.physnet, list);
  }
  for (const list of out.values()) list.reverse();
  return out;
}

/**
 * A quick necessary test before placePorts: enough VFs on the VF ports'
 * physnets (on as many PFs when distinct), and enough free whole PFs per
 * physnet for the `direct-physical` ports.
 */
export function mayFit(
  ports: readonly PortNeed[],
  pfs: readonly CandidatePf[],
  distinctPfs: boolean,
): boolean {
  const physnets = new Set<string>();
  const wholeWanted = new Map<string, number>();
  let vfPorts = 0;
  for (const p of ports) {
    if (p.wholePf === true) wholeWanted.set(p.physnet, (wholeWanted.get(p.physnet) ?? 0) + 1);
    else {
      physnets.add(p.physnet);
      vfPorts++;
    }
  }
  let withVfs = 0;
  let total = 0;
  for (const pf of pfs) {
    let n = 0;
    for (const g of pf.free) if (physnets.has(g.physnet)) n += g.count;
    if (n > 0) withVfs++;
    total += n;
    const w = pf.whole === undefined ? undefined : wholeWanted.get(pf.whole.physnet);
    if (pf.whole !== undefined && w !== undefined) wholeWanted.set(pf.whole.physnet, w - 1);
  }
  for (const left of wholeWanted.values()) if (left > 0) return false;
  return total >= vfPorts && (!distinctPfs || withVfs >= vfPorts);
}

/** Free VFs and free whole PFs of a host: what the weighers compare. */
export const freeDevices = (pfs: readonly CandidatePf[]): number =>
  pfs.reduce(
    (n, pf) => n + (pf.whole === undefined ? 0 : 1) + pf.free.reduce((m, g) => m + g.count, 0),
    0,
  );
