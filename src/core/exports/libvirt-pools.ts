import { renderHostdevNetworkXml } from '../libvirt/render-network.js';
import type { ExportHost } from './export-fleet.js';
import { cmp, vfGroups, type VfGroup } from './owned-devices.js';

/** The owner whose VFs become libvirt hostdev pools. */
export const LIBVIRT_POOL_OWNER = 'libvirt-pool';

export interface LibvirtPool {
  readonly host: string;
  /** `vfleet-<physnet>[-trusted]`: the same on every host, so a migrating guest finds its pool. */
  readonly name: string;
  readonly physnet: string;
  readonly trusted: boolean;
  readonly xml: string;
}

export const poolName = (physnet: string, trusted: boolean): string =>
  `vfleet-${physnet}${trusted ? '-trusted' : ''}`;

/**
 * One hostdev network per host, physnet and trust, over the VFs vfleet
 * hands to `libvirt-pool`. A pool that is exactly all VFs of one PF names
 * the PF (`<pf dev=.../>`, which also follows a later VF count); anything
 * else is the explicit VF address list, since libvirt takes a single PF
 * and a PF shared with other owners must not be given away whole.
 */
export function libvirtPools(hosts: readonly ExportHost[]): LibvirtPool[] {
  const byPool = new Map<string, VfGroup[]>();
  for (const g of vfGroups(hosts, LIBVIRT_POOL_OWNER)) {
    const key = `${g.host}\u0000${poolName(g.physnet, g.trusted)}`;
    byPool.set(key, [...(byPool.get(key) ?? []), g]);
  }
  return [...byPool.keys()].sort(cmp).map((key) => {
    const groups = byPool.get(key) ?? [];
    const [first] = groups;
    if (first === undefined) throw new Error('unreachable: a pool without groups');
    const name = poolName(first.physnet, first.trusted);
    const pf = groups.length === 1 && first.wholePf ? first.pf.ifname : null;
    const xml = renderHostdevNetworkXml(
      pf !== null
        ? { name, pfIfname: pf }
        : { name, vfAddresses: groups.flatMap((g) => g.vfs.map((v) => v.pciAddress)) },
    );
    return { host: first.host, name, physnet: first.physnet, trusted: first.trusted, xml };
  });
}
