import type { HostFacts, LinkPortFacts, VfLinkFacts } from './host-facts.js';
import type { EswitchMode } from './vocabulary.js';
import type {
  NonPciPf,
  Pf,
  VdpaDevice,
  VdpaInventory,
  VdpaMgmtdev,
  VdpaPlace,
  VfVdpa,
} from './inventory.js';

/** `pf0vf3`, or `c1pf0vf3` on a multi-host NIC: the representor of VF 3. */
const REPRESENTOR = /^(?:c\d+)?pf\d+vf(\d+)$/;

/** The devlink handle of a netdev's parent device (`pci/0000:08:00.0`, `netdevsim/netdevsim10`). */
export const handleOf = (p: Pick<LinkPortFacts, 'parentBus' | 'parentDev'>): string | null =>
  p.parentBus === null || p.parentDev === null ? null : `${p.parentBus}/${p.parentDev}`;

/**
 * VF index -> representor netdev for the uplink `ifname`: ports on the same
 * switch (phys_switch_id) and the same parent device, named `pfNvfM`. Drivers
 * (mlx5, ice, netdevsim) hang representors on the PF's own device, which keeps
 * two PFs of one NIC that share a switch id apart.
 */
export function representorsOf(
  ifname: string | null,
  ports: readonly LinkPortFacts[],
): Map<number, string> {
  const out = new Map<number, string>();
  const uplink = ports.find((p) => p.ifname === ifname);
  if (uplink?.switchId == null) return out;
  const parent = handleOf(uplink);
  for (const p of ports) {
    if (p === uplink || p.switchId !== uplink.switchId) continue;
    if (parent !== null && handleOf(p) !== null && handleOf(p) !== parent) continue;
    const m = REPRESENTOR.exec(p.portName ?? '');
    if (m?.[1] !== undefined) out.set(Number(m[1]), p.ifname);
  }
  return out;
}

export interface SwitchView {
  readonly eswitchMode: EswitchMode | null;
  readonly hwTcOffload: boolean | null;
  readonly representors: ReadonlyMap<number, string>;
}

/** Eswitch mode, uplink offload and representors of the PF whose devlink handle and netdev are given. */
export function switchView(facts: HostFacts, handle: string, ifname: string | null): SwitchView {
  const mode = facts.eswitches.find((e) => e.handle === handle)?.mode ?? null;
  return {
    eswitchMode: mode,
    hwTcOffload: ifname === null ? null : (facts.tcOffload.get(ifname) ?? null),
    representors: mode === 'switchdev' ? representorsOf(ifname, facts.linkPorts) : new Map(),
  };
}

/** Netdevs that report VFs but whose parent is not a PCI function (netdevsim). */
export function nonPciPfPorts(facts: Pick<HostFacts, 'linkPorts'>): LinkPortFacts[] {
  return facts.linkPorts.filter(
    (p) => p.hasVfInfo && p.parentBus !== null && p.parentBus !== 'pci' && p.parentDev !== null,
  );
}

export function assembleNonPciPfs(facts: HostFacts): NonPciPf[] {
  return nonPciPfPorts(facts)
    .map((p): NonPciPf => {
      const device = handleOf(p) ?? '';
      const view = switchView(facts, device, p.ifname);
      const links: readonly VfLinkFacts[] = facts.vfLinks.get(p.ifname) ?? [];
      const known = facts.nonPciDevices.get(device);
      return {
        device,
        ifname: p.ifname,
        driver: known?.driver ?? null,
        numVfs: known?.numVfs ?? links.length,
        mac: p.mac,
        linkState: p.operstate,
        adminUp: p.adminUp,
        switchId: p.switchId,
        eswitchMode: view.eswitchMode,
        hwTcOffload: view.hwTcOffload,
        vfs: links.map((l) => ({ ...l, representor: view.representors.get(l.index) ?? null })),
      };
    })
    .sort((a, b) => a.device.localeCompare(b.device) || a.ifname.localeCompare(b.ifname));
}

/** PCI function -> (PF, VF index), for every VF the PFs list. */
function vfIndex(pfs: readonly Pf[]): Map<string, { pf: string; index: number }> {
  return new Map(
    pfs.flatMap((pf) => pf.vfs.map((v) => [v.pciAddress, { pf: pf.pciAddress, index: v.index }])),
  );
}

function place(
  mgmtdev: string,
  vfs: ReadonlyMap<string, { pf: string; index: number }>,
): VdpaPlace {
  const pciAddress = mgmtdev.startsWith('pci/') ? mgmtdev.slice(4) : null;
  const vf = pciAddress === null ? undefined : vfs.get(pciAddress);
  return { pciAddress, pf: vf?.pf ?? null, vfIndex: vf?.index ?? null };
}

export function assembleVdpa(facts: HostFacts, pfs: readonly Pf[]): VdpaInventory {
  const vfs = vfIndex(pfs);
  const mgmtdevs = facts.vdpaMgmtdevs
    .map((m): VdpaMgmtdev => ({ ...m, ...place(m.name, vfs) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const devices = facts.vdpaDevices
    .map((d): VdpaDevice => ({ ...d, ...place(d.mgmtdev, vfs) }))
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  return { mgmtdevs, devices };
}

/** The vDPA device on the VF at `pciAddress` (the first by name, when a driver made several). */
export function vdpaOfVf(vdpa: VdpaInventory, pciAddress: string): VfVdpa | null {
  const d = vdpa.devices.find((x) => x.pciAddress === pciAddress);
  return d === undefined
    ? null
    : { name: d.name, charDev: d.charDev, driver: d.driver, mac: d.mac };
}
