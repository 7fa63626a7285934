import type { EswitchMode, EswitchOrder, VfLinkState, VlanProtocol } from '../vocabulary.js';

/**
 * The data of `vfleet host plan -o json|yaml`: what `apply` would change on
 * this host to reach a declared state. Field names are stable (scripts read
 * them); documented in docs/host-state.md.
 */

/** VF settings a state can declare, in the order plans list them. */
export const VF_ATTRIBUTES = [
  'mac',
  'vlan',
  'spoofchk',
  'trust',
  'state',
  'maxTxRate',
  'minTxRate',
] as const;
export type VfAttribute = (typeof VF_ATTRIBUTES)[number];

/** vlan, qos and proto are one netlink attribute, so they change together. */
export interface VlanTag {
  readonly vlan: number;
  readonly qos: number;
  readonly proto: VlanProtocol;
}

/** `from` is null when the host does not report the value or the VF does not exist yet. */
export type AttrChange =
  | { readonly attr: 'mac'; readonly from: string | null; readonly to: string }
  | { readonly attr: 'vlan'; readonly from: VlanTag | null; readonly to: VlanTag }
  | { readonly attr: 'spoofchk' | 'trust'; readonly from: boolean | null; readonly to: boolean }
  | { readonly attr: 'state'; readonly from: VfLinkState | null; readonly to: VfLinkState }
  | {
      readonly attr: 'maxTxRate' | 'minTxRate';
      readonly from: number | null;
      readonly to: number;
    };

/**
 * How a VF reaches its driver: `override` writes the driver's name to
 * driver_override; `kernel` clears driver_override so the kernel picks the
 * VF's own driver again.
 */
export const DRIVER_BIND_METHODS = ['override', 'kernel'] as const;
export type DriverBindMethod = (typeof DRIVER_BIND_METHODS)[number];

export interface DriverChange {
  /** Bound driver now; null when unbound or the VF does not exist yet. */
  readonly from: string | null;
  readonly to: string;
  readonly method: DriverBindMethod;
}

/** A vDPA device to make on the VF (and bind to vhost_vdpa), replacing one whose MAC differs. */
export interface VdpaChange {
  /** The VF's device now (its name, MAC and bus driver); null when it has none. */
  readonly from: {
    readonly name: string;
    readonly mac: string | null;
    readonly driver: string | null;
  } | null;
  /** The device it must have: `mac` null = the driver's choice. */
  readonly to: { readonly name: string; readonly mac: string | null };
}

export interface EswitchChange {
  readonly from: EswitchMode | null;
  readonly to: EswitchMode;
  /** How the PF's driver takes the change (vocabulary.ts ESWITCH_ORDER_BY_DRIVER). */
  readonly order: EswitchOrder;
}

export interface VfPlan {
  readonly index: number;
  /** Current address, or the one the PF's SR-IOV capability predicts; null when unknown. */
  readonly pciAddress: string | null;
  /** The VF is created by this plan (it does not exist now, or the count change recreates it). */
  readonly isNew: boolean;
  readonly driver: DriverChange | null;
  readonly attrs: readonly AttrChange[];
  readonly vdpa: VdpaChange | null;
}

export interface PfPlan {
  /** Index of the entry in the state's `pfs` list that selected this PF. */
  readonly entry: number;
  readonly pciAddress: string;
  readonly ifname: string | null;
  readonly driver: string | null;
  /** Bring the PF's link administratively up. */
  readonly link: { readonly from: 'down'; readonly to: 'up' } | null;
  /** A count change goes through 0, which destroys every existing VF of the PF. */
  readonly numVfs: { readonly from: number; readonly to: number } | null;
  /** The VF driver the state asks for (resolved from `kernel`); null when not declared. */
  readonly vfDriver: string | null;
  readonly eswitch: EswitchChange | null;
  readonly tcOffload: { readonly from: boolean | null; readonly to: boolean } | null;
  /** Only VFs with at least one change. */
  readonly vfs: readonly VfPlan[];
  /** Things the plan cannot do or chose not to, in words. */
  readonly notes: readonly string[];
  readonly changes: number;
}

/**
 * A PF whose VFs are not PCI functions (netdevsim), selected by `device`:
 * the PF-level changes of a PCI PF, and VF settings through its netdev. Its
 * VFs have no address, driver or vDPA device (`pciAddress`, `driver` and
 * `vdpa` of each VF are null).
 */
export interface DevicePfPlan extends Omit<PfPlan, 'pciAddress' | 'vfDriver' | 'ifname'> {
  /** The devlink handle, `netdevsim/netdevsim1`. */
  readonly device: string;
  /** The PF netdev VF settings go through. */
  readonly ifname: string;
}

/** Either kind of PF, where apply treats them alike (link, eswitch, offload, VF settings). */
export type AnyPfPlan = PfPlan | DevicePfPlan;

/** How steps and errors name a PF: its PCI address, or its device handle off PCI. */
export const pfKey = (pf: AnyPfPlan): string => ('device' in pf ? pf.device : pf.pciAddress);

/** `devlink dev eswitch` takes a PCI PF as `pci/<address>`, any other by its handle. */
export const devlinkHandle = (pf: AnyPfPlan): string =>
  'device' in pf ? pf.device : `pci/${pf.pciAddress}`;

/** A declared vDPA device off the VFs (`vdpa[]` in the state). */
export interface VdpaDevicePlan {
  /** Index in the state's `vdpa` list. */
  readonly entry: number;
  readonly mgmtdev: string;
  readonly change: VdpaChange;
}

export interface HostPlan {
  readonly pfs: readonly PfPlan[];
  /** Only devices with a change. */
  readonly vdpa: readonly VdpaDevicePlan[];
  /** PFs off PCI, selected by `device`, in the order of the state. */
  readonly devices: readonly DevicePfPlan[];
  /** Total number of changes; 0 means the host matches the state. */
  readonly changes: number;
}

export const countPfChanges = (
  pf: Pick<PfPlan, 'link' | 'numVfs' | 'vfs' | 'eswitch' | 'tcOffload'>,
): number =>
  (pf.link ? 1 : 0) +
  (pf.numVfs ? 1 : 0) +
  (pf.eswitch ? 1 : 0) +
  (pf.tcOffload ? 1 : 0) +
  pf.vfs.reduce((n, vf) => n + (vf.driver ? 1 : 0) + vf.attrs.length + (vf.vdpa ? 1 : 0), 0);
