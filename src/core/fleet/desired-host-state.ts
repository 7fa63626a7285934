import { ZERO_MAC } from '../mac-address.js';
import { VFIO_DRIVER } from '../vocabulary.js';
import type { EswitchMode } from '../vocabulary.js';
import type { DesiredInputs } from './host-store.js';
import { vfTags } from './spec-match.js';

/**
 * The state an agent must apply: for every PF a spec governs, its numVfs
 * and VF driver, and every VF's settings: those of the port holding it, or
 * the reset settings (MAC zeroed, VLAN 0, spoof check on, trust off, no
 * rate limits) so that no state leaks from one tenant to the next. A PF
 * offered or held whole keeps 0 VFs. A VF handed to another owner
 * (openstack, ...) is created and bound like the others, with the trust of
 * its spec, but its MAC, VLAN, spoof check and rates are its consumer's:
 * they are left out, so applying never undoes what the consumer set.
 */
export interface DesiredVf {
  index: number;
  mac?: string | undefined;
  vlan?: number | undefined;
  spoofchk?: boolean | undefined;
  trust: boolean;
  maxTxRate?: number | undefined;
  minTxRate?: number | undefined;
  /** A vDPA device on the VF (its spec asks for one); its MAC is the driver's, the port's comes with the domain. */
  vdpa?: Record<string, never> | undefined;
}

export interface DesiredPf {
  pciAddress: string;
  numVfs: number;
  vfDriver: string;
  up: boolean;
  /** Only when the spec sets it; switchdev brings hw-tc-offload on. */
  eswitchMode?: EswitchMode | undefined;
  hwTcOffload?: boolean | undefined;
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
    // A PF held whole stays without VFs whatever the specs say now, until its port lets it go.
    if (spec?.wholePf === true || (pf.whole !== null && pf.whole.portId !== null)) {
      pfs.push(wholePfState(pf.pciAddress));
      continue;
    }
    if (spec === undefined) continue;
    const vfs: DesiredVf[] = [];
    for (let index = 0; index < spec.numVfs; index++) {
      const b = bound.get(`${pf.id}#${index}`);
      const tags = vfTags(inputs.specs, pf, index);
      const handedOver = tags.owner !== null && tags.owner !== 'vfleet';
      vfs.push(
        b === undefined
          ? handedOver
            ? { index, trust: tags.trusted }
            : { index, ...RESET_VF }
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
      ...(spec.eswitchMode === null ? {} : { eswitchMode: spec.eswitchMode }),
      ...(spec.eswitchMode === 'switchdev' ? { hwTcOffload: true } : {}),
      vfs: spec.vdpa ? vfs.map((v) => ({ ...v, vdpa: {} })) : vfs,
    });
  }
  return { pfs };
}

/**
 * A PF offered whole: no VFs, and its link left alone (a guest may hold the
 * PF, bound to vfio-pci by libvirt, with no netdev on the host). vfio-pci as
 * the VF driver is a no-op that needs no kernel VF driver for vfio-pci.
 */
const wholePfState = (pciAddress: string): DesiredPf => ({
  pciAddress,
  numVfs: 0,
  vfDriver: VFIO_DRIVER,
  up: false,
  vfs: [],
});

export const RESET_VF = {
  mac: ZERO_MAC,
  vlan: 0,
  spoofchk: true,
  trust: false,
  maxTxRate: 0,
  minTxRate: 0,
} as const;
