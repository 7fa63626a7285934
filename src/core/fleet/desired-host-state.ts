import { ZERO_MAC } from '../mac-address.js';
import type { DesiredInputs } from './store.js';

/**
 * The state an agent must apply: for every PF a spec governs, its numVfs
 * and VF driver, and every VF's settings: those of the port holding it, or
 * the reset settings (MAC zeroed, VLAN 0, spoof check on, trust off, no
 * rate limits) so that no state leaks from one tenant to the next.
 */
export interface DesiredVf {
  index: number;
  mac: string;
  vlan: number;
  spoofchk: boolean;
  trust: boolean;
  maxTxRate: number;
  minTxRate: number;
}

export interface DesiredPf {
  pciAddress: string;
  numVfs: number;
  vfDriver: string;
  up: boolean;
  vfs: DesiredVf[];
}

/** A HostState (desired-state.ts) with every field the controller decides spelled out. */
export interface DesiredState {
  pfs: DesiredPf[];
}

export function desiredHostState(inputs: DesiredInputs): DesiredState {
  const specs = new Map(inputs.specs.map((s) => [s.id, s]));
  const bound = new Map(inputs.bound.map((b) => [`${b.pfId}#${b.index}`, b]));
  const pfs: DesiredPf[] = [];
  for (const pf of [...inputs.pfs].sort((a, b) => (a.pciAddress < b.pciAddress ? -1 : 1))) {
    const spec = pf.specId === null ? undefined : specs.get(pf.specId);
    if (spec === undefined) continue;
    const vfs: DesiredVf[] = [];
    for (let index = 0; index < spec.numVfs; index++) {
      const b = bound.get(`${pf.id}#${index}`);
      vfs.push(
        b === undefined
          ? { index, ...RESET_VF }
          : {
              index,
              mac: b.mac,
              vlan: b.vlan,
              spoofchk: b.spoofchk,
              trust: b.trusted,
              maxTxRate: b.maxTxRate,
              minTxRate: b.minTxRate,
            },
      );
    }
    pfs.push({
      pciAddress: pf.pciAddress,
      numVfs: spec.numVfs,
      vfDriver: spec.vfDriver,
      up: true,
      vfs,
    });
  }
  return { pfs };
}

export const RESET_VF = {
  mac: ZERO_MAC,
  vlan: 0,
  spoofchk: true,
  trust: false,
  maxTxRate: 0,
  minTxRate: 0,
} as const;
