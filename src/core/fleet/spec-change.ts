import type { DeviceSpec } from './model.js';
import { governingSpec, vfTags, type SpecTarget } from './spec-match.js';

/** A VF a port holds (reserved or allocated), with what its port needs of it. */
export interface HeldVf {
  readonly hostId: string;
  /** Its PF as specs select it, and the VF count the host reported. */
  readonly pf: SpecTarget & { readonly numVfs: number };
  readonly index: number;
  readonly pciAddress: string;
  readonly state: string;
  readonly portId: string;
  /** The name of the port's instance, for the message; null when unknown. */
  readonly instance?: string | null;
  /** Physnet of the port's network: the VF must stay on it. */
  readonly portPhysnet: string;
  readonly portTrusted: boolean;
}

/** A held VF a spec change would take from its port, and why. */
export interface TakenVf {
  readonly host: string;
  readonly pf: string;
  readonly index: number;
  readonly pciAddress: string;
  readonly state: string;
  readonly port: string;
  readonly instance: string | null;
  readonly reason: string;
  /**
   * `declared`: the host's declared state changes under it (VF count, driver,
   * no governing spec): a rollout reaches it in its wave. `tags`: its
   * physnet, trust or owner would change, which no wave defers.
   */
  readonly kind: 'declared' | 'tags';
}

/**
 * The held VFs that a change of the spec list from `before` to `after`
 * (same order: precedence is by age) would take away. A VF is lost when its
 * PF is no longer governed, when the PF's VF count changes (the kernel
 * recreates every VF of a PF to change the count, raising it included),
 * when the VF driver changes (a rebind under the VM), or when the VF's tags
 * no longer fit its port (another physnet, trust withdrawn from a trusted
 * port, handed to an owner other than vfleet, whose ports hold only its own).
 */
export function vfsTakenAway(
  before: readonly DeviceSpec[],
  after: readonly DeviceSpec[],
  held: readonly HeldVf[],
): TakenVf[] {
  const out: TakenVf[] = [];
  for (const vf of held) {
    const loss = lossReason(before, after, vf);
    if (loss === null) continue;
    const [kind, reason] = loss;
    out.push({
      host: vf.hostId,
      pf: vf.pf.pciAddress,
      index: vf.index,
      pciAddress: vf.pciAddress,
      state: vf.state,
      port: vf.portId,
      instance: vf.instance ?? null,
      reason,
      kind,
    });
  }
  return out;
}

function lossReason(
  before: readonly DeviceSpec[],
  after: readonly DeviceSpec[],
  vf: HeldVf,
): ['declared' | 'tags', string] | null {
  const was = governingSpec(before, vf.pf);
  const now = governingSpec(after, vf.pf);
  if (now === null) return ['declared', 'no spec would govern its PF'];
  const count = was?.numVfs ?? vf.pf.numVfs;
  if (now.numVfs !== count) {
    return [
      'declared',
      vf.index >= now.numVfs
        ? `numVfs ${count} -> ${now.numVfs} removes VF ${vf.index}`
        : `numVfs ${count} -> ${now.numVfs} recreates every VF of the PF`,
    ];
  }
  if (was !== null && now.vfDriver !== was.vfDriver)
    return ['declared', `VF driver ${was.vfDriver} -> ${now.vfDriver} rebinds it`];
  const tags = vfTags(after, vf.pf, vf.index);
  if (tags.physnet !== vf.portPhysnet)
    return [
      'tags',
      `its physnet would be ${tags.physnet ?? 'none'}; its port's network is on ${vf.portPhysnet}`,
    ];
  if (vf.portTrusted && !tags.trusted) return ['tags', 'its port is trusted; the VF would not be'];
  if (tags.owner !== 'vfleet')
    return ['tags', `its owner would be ${tags.owner ?? 'none'}; a vfleet port holds it`];
  return null;
}

/** One line naming the VFs, for a CONFLICT message (the details list them all). */
export function takenText(taken: readonly TakenVf[], max = 5): string {
  const shown = taken
    .slice(0, max)
    .map(
      (t) =>
        `${t.host} ${t.pciAddress} (PF ${t.pf} VF ${t.index}, ${t.state} by port ${t.port}${t.instance === null ? '' : ` of instance ${t.instance}`}: ${t.reason})`,
    );
  const more = taken.length > max ? `, and ${taken.length - max} more` : '';
  return `${shown.join('; ')}${more}`;
}
