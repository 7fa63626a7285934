import type { CandidatePf, PortNeed, PortPlacement } from './types.js';

/**
 * Puts each port on a PF of one host, greedily: the scarcest kind of port
 * first, each on the PF with the most matching free VFs that this instance
 * does not use yet. Work is ports x PFs, never a search over combinations
 * (Placement needed 12 s per query for 8 VFs on 8 PFs that way). Greedy is
 * exact for ports of one kind, the case that exploded.
 */
export function assignPorts(
  ports: readonly PortNeed[],
  pfs: readonly CandidatePf[],
  distinctPfs: boolean,
): PortPlacement[] | null {
  const left = new Map<string, number>();
  const key = (pf: number, physnet: string, trusted: boolean) => `${pf}|${physnet}|${trusted}`;
  for (const pf of pfs) {
    for (const g of pf.free) left.set(key(pf.id, g.physnet, g.trusted), g.count);
  }
  const avail = (pf: number, physnet: string, trusted: boolean) =>
    left.get(key(pf, physnet, trusted)) ?? 0;

  const scarcity = new Map<string, number>();
  for (const p of ports) {
    const k = `${p.physnet}|${p.trusted}`;
    if (scarcity.has(k)) continue;
    let total = 0;
    for (const pf of pfs) {
      total += avail(pf.id, p.physnet, true) + (p.trusted ? 0 : avail(pf.id, p.physnet, false));
    }
    scarcity.set(k, total);
  }
  const order = ports
    .map((p, i) => ({ p, i, s: scarcity.get(`${p.physnet}|${p.trusted}`) ?? 0 }))
    .sort((a, b) => Number(b.p.trusted) - Number(a.p.trusted) || a.s - b.s || a.i - b.i);

  const used = new Set<number>();
  const out: (PortPlacement | undefined)[] = new Array<PortPlacement | undefined>(ports.length);
  for (const { p, i } of order) {
    const pick =
      bestPf(p, pfs, used, avail, true) ??
      (distinctPfs ? null : bestPf(p, pfs, used, avail, false));
    if (pick === null) return null;
    const k = key(pick.pfId, p.physnet, pick.vfTrusted);
    left.set(k, (left.get(k) ?? 0) - 1);
    used.add(pick.pfId);
    out[i] = { pfId: pick.pfId, physnet: p.physnet, vfTrusted: pick.vfTrusted };
  }
  return out.filter((x): x is PortPlacement => x !== undefined);
}

function bestPf(
  p: PortNeed,
  pfs: readonly CandidatePf[],
  used: ReadonlySet<number>,
  avail: (pf: number, physnet: string, trusted: boolean) => number,
  skipUsed: boolean,
): { pfId: number; vfTrusted: boolean } | null {
  let best: { pfId: number; vfTrusted: boolean; n: number } | null = null;
  for (const pf of pfs) {
    if (skipUsed && used.has(pf.id)) continue;
    // Untrusted ports keep trusted VFs for the ports that need them.
    const plain = p.trusted ? 0 : avail(pf.id, p.physnet, false);
    const trusted = avail(pf.id, p.physnet, true);
    const vfTrusted = plain === 0;
    const n = vfTrusted ? trusted : plain;
    if (n > 0 && (best === null || n > best.n)) best = { pfId: pf.id, vfTrusted, n };
  }
  return best === null ? null : { pfId: best.pfId, vfTrusted: best.vfTrusted };
}
