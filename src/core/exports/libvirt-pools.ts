import { renderHostdevNetworkXml } from '../libvirt/render-network.js';
import { el, serializeXml } from '../libvirt/xml-tree.js';
import type { ExportHost } from './export-fleet.js';
import { cmp, vfGroups, type VfGroup, type VfKind } from './owned-devices.js';

/** The owner whose VFs become libvirt hostdev pools. */
export const LIBVIRT_POOL_OWNER = 'libvirt-pool';

export interface LibvirtPool {
  readonly host: string;
  /**
   * `vfleet-<physnet>[-trusted][-switchdev]`: the same on every host, so a
   * migrating guest finds its pool.
   */
  readonly name: string;
  readonly physnet: string;
  readonly trusted: boolean;
  readonly xml: string;
}

/**
 * VFs of a PF in switchdev mode get pools of their own: a guest takes any VF
 * of its pool, and on those the NIC refuses the VLAN libvirt would set
 * through the PF for an interface with `<vlan>` (it belongs on the
 * representor).
 */
export const poolName = (physnet: string, trusted: boolean, kind: VfKind = 'legacy'): string =>
  `vfleet-${physnet}${trusted ? '-trusted' : ''}${kind === 'switchdev' ? '-switchdev' : ''}`;

/**
 * One hostdev network per host, physnet and trust, over the VFs vfleet
 * hands to `libvirt-pool`. A pool that is exactly all VFs of one PF names
 * the PF (`<pf dev=.../>`, which also follows a later VF count); anything
 * else is the explicit VF address list, since libvirt takes a single PF
 * and a PF shared with other owners must not be given away whole. VFs with
 * a vDPA device are in no pool (libvirtVdpaNotes).
 */
export function libvirtPools(hosts: readonly ExportHost[]): LibvirtPool[] {
  const byPool = new Map<string, VfGroup[]>();
  for (const g of vfGroups(hosts, LIBVIRT_POOL_OWNER)) {
    if (g.kind === 'vdpa') continue;
    const key = `${g.host}\u0000${poolName(g.physnet, g.trusted, g.kind)}`;
    byPool.set(key, [...(byPool.get(key) ?? []), g]);
  }
  return [...byPool.keys()].sort(cmp).map((key) => {
    const groups = byPool.get(key) ?? [];
    const [first] = groups;
    if (first === undefined) throw new Error('unreachable: a pool without groups');
    const name = poolName(first.physnet, first.trusted, first.kind);
    const pf = groups.length === 1 && first.wholePf ? first.pf.ifname : null;
    const xml = renderHostdevNetworkXml(
      pf !== null
        ? { name, pfIfname: pf }
        : { name, vfAddresses: groups.flatMap((g) => g.vfs.map((v) => v.pciAddress)) },
    );
    return { host: first.host, name, physnet: first.physnet, trusted: first.trusted, xml };
  });
}

/**
 * A guest's interface on a VF's vDPA device, as libvirt takes it in a
 * domain's `<devices>` (the form vfleet's own vdpa ports use), on one line
 * for a note.
 */
export const vdpaInterfaceXml = (charDev: string): string =>
  serializeXml(el('interface', { type: 'vdpa' }, [el('source', { dev: charDev })])).replace(
    /\n\s*/g,
    '',
  );

/**
 * The `libvirt-pool` VFs with a vDPA device, one line per host: libvirt
 * networks have no forward mode that pools vDPA devices, and a hostdev pool
 * would detach the VF from its kernel driver, taking the vDPA device with
 * it. A guest names such a VF's device itself; each note gives the form.
 */
export function libvirtVdpaNotes(hosts: readonly ExportHost[]): string[] {
  const byHost = new Map<string, string[]>();
  for (const g of vfGroups(hosts, LIBVIRT_POOL_OWNER)) {
    if (g.kind !== 'vdpa') continue;
    const vfs = g.vfs.map((v) => `${v.pciAddress} ${vdpaInterfaceXml(v.vdpaDev ?? '')}`);
    byHost.set(g.host, [...(byHost.get(g.host) ?? []), ...vfs]);
  }
  return [...byHost].map(
    ([host, vfs]) =>
      `host ${host}: VFs with a vDPA device are in no pool (a libvirt network cannot pool vDPA devices, and a hostdev would take the VF from under its device); a guest names each in its <devices>: ${vfs.join(', ')}`,
  );
}
