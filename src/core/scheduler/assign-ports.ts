import type { CandidatePf, PortNeed, PortPlacement } from './types.js';

/** Free VFs of one PF by physnet, trust, netdev and vDPA device, as counts that placing takes from. */
class FreeCounts {
  private readonly left = new Map<string, number>();

  constructor(pfs: readonly CandidatePf[]) {
    for (const pf of pfs) {
      for (const g of pf.free) {
        const k = FreeCounts.key(pf.id, g.physnet, g.trusted, g.netdev, g.vdpa === true);
        this.left.set(k, (this.left.get(k) ?? 0) + g.count);
      }
    }
  }

  private static key(
    pf: number,
    physnet: string,
    trusted: boolean,
    netdev: boolean,
    vdpa: boolean,
  ): string {
    return `${pf}|${physnet}|${trusted}|${netdev}|${vdpa}`;
  }

  private count(pf: number, p: PortNeed, trusted: boolean, netdev: boolean): number {
    const vdpa = p.vfFeature === 'vdpa';
    return this.left.get(FreeCounts.key(pf, p.physnet, trusted, netdev, vdpa)) ?? 0;
  }

  /**
   * VFs of the PF with this trust tag that can serve the port: with a vDPA
   * device for a vdpa port (and only for one); with a netdev only for a
   * port that needs one.
   */
  avail(pf: number, p: PortNeed, trusted: boolean): number {
    const withNetdev = this.count(pf, p, trusted, true);
    return p.vfFeature === 'netdev' ? withNetdev : withNetdev + this.count(pf, p, trusted, false);
  }

  /** Takes one VF; a port that needs no netdev takes one without first, keeping netdevs for macvtap. */
  take(pf: number, p: PortNeed, trusted: boolean): { netdev: boolean; vdpa: boolean } {
    const vdpa = p.vfFeature === 'vdpa';
    const netdev = p.vfFeature === 'netdev' || this.count(pf, p, trusted, false) === 0;
    const k = FreeCounts.key(pf, p.physnet, trusted, netdev, vdpa);
    this.left.set(k, (this.left.get(k) ?? 0) - 1);
    return { netdev, vdpa };
  }
}

const needKey = (p: PortNeed) => `${p.physnet}|${p.trusted}|${p.vfFeature ?? ''}`;

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
  const free = new FreeCounts(pfs);
  const scarcity = new Map<string, number>();
  for (const p of ports) {
    const k = needKey(p);
    if (scarcity.has(k)) continue;
    let total = 0;
    for (const pf of pfs)
      total += free.avail(pf.id, p, true) + (p.trusted ? 0 : free.avail(pf.id, p, false));
    scarcity.set(k, total);
  }
  const order = ports
    .map((p, i) => ({ p, i, s: scarcity.get(needKey(p)) ?? 0 }))
    .sort((a, b) => Number(b.p.trusted) - Number(a.p.trusted) || a.s - b.s || a.i - b.i);

  const used = new Set<number>();
  const out: (PortPlacement | undefined)[] = new Array<PortPlacement | undefined>(ports.length);
  for (const { p, i } of order) {
    const pick =
      bestPf(p, pfs, used, free, true) ?? (distinctPfs ? null : bestPf(p, pfs, used, free, false));
    if (pick === null) return null;
    const took = free.take(pick.pfId, p, pick.vfTrusted);
    used.add(pick.pfId);
    out[i] = {
      pfId: pick.pfId,
      physnet: p.physnet,
      vfTrusted: pick.vfTrusted,
      vfNetdev: took.netdev,
      ...(took.vdpa ? { vfVdpa: true } : {}),
    };
  }
  return out.filter((x): x is PortPlacement => x !== undefined);
}

function bestPf(
  p: PortNeed,
  pfs: readonly CandidatePf[],
  used: ReadonlySet<number>,
  free: FreeCounts,
  skipUsed: boolean,
): { pfId: number; vfTrusted: boolean } | null {
  let best: { pfId: number; vfTrusted: boolean; n: number } | null = null;
  for (const pf of pfs) {
    if (skipUsed && used.has(pf.id)) continue;
    // Untrusted ports keep trusted VFs for the ports that need them.
    const plain = p.trusted ? 0 : free.avail(pf.id, p, false);
    const trusted = free.avail(pf.id, p, true);
    const vfTrusted = plain === 0;
    const n = vfTrusted ? trusted : plain;
    if (n > 0 && (best === null || n > best.n)) best = { pfId: pf.id, vfTrusted, n };
  }
  return best === null ? null : { pfId: best.pfId, vfTrusted: best.vfTrusted };
}
