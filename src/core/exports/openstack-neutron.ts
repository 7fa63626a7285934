import type { ExportFleet, ExportPhysnet } from './export-fleet.js';
import type { OpenstackPf } from './openstack-devices.js';

/** The SR-IOV agent's `[sriov_nic]` values for one host, each a list oslo.config joins with commas. */
export interface SriovNicValues {
  physicalDeviceMappings: string[];
  excludeDevices: string[];
  resourceProviderBandwidths: string[];
}

/**
 * Only PFs with VFs for OpenStack are mapped: a PF offered whole is bound by
 * Neutron's sriovnicswitch driver without the agent (direct-physical), and
 * a mapped PF would have the agent manage VFs that are not OpenStack's.
 * Nor is a PF in switchdev mode: sriovnicswitch refuses its ports (vdpa, and
 * direct with the switchdev capability, go to openvswitch or ovn, which plug
 * the representors), and a mapping would have it bind plain direct ports
 * whose VLAN and spoof check the agent sets through the PF, which switchdev
 * NICs refuse (mlx5 answers EOPNOTSUPP outside legacy mode).
 */
export function sriovNicValues(pfs: readonly OpenstackPf[]): SriovNicValues {
  const out: SriovNicValues = {
    physicalDeviceMappings: [],
    excludeDevices: [],
    resourceProviderBandwidths: [],
  };
  for (const d of pfs) {
    const ifname = d.pf.ifname;
    if (d.physnet === null || ifname === null || d.switchdev) continue;
    out.physicalDeviceMappings.push(`${d.physnet}:${ifname}`);
    if (d.excluded.length > 0) {
      out.excludeDevices.push(`${ifname}:${d.excluded.map((v) => v.pciAddress).join(';')}`);
    }
    const bw = d.pf.bandwidth;
    if (bw !== null && (bw.egressMbps !== null || bw.ingressMbps !== null)) {
      // vfleet declares Mbit/s; Placement's inventory is in kbit/s. An empty
      // direction means "no inventory" to Neutron, as null means undeclared here.
      out.resourceProviderBandwidths.push(
        `${ifname}:${kbps(bw.egressMbps)}:${kbps(bw.ingressMbps)}`,
      );
    }
  }
  return out;
}

const kbps = (mbps: number | null): string => (mbps === null ? '' : String(mbps * 1000));

/**
 * `[ml2_type_vlan] network_vlan_ranges` for the physnets OpenStack's devices
 * use. A physnet without ranges in vfleet is left out: Neutron would read a
 * bare name as all of 1-4094 for its tenants. Returns the entries and the
 * physnets left out.
 */
export function networkVlanRanges(
  fleet: ExportFleet,
  used: ReadonlySet<string>,
): { entries: string[]; withoutRanges: string[] } {
  const known = new Map<string, ExportPhysnet>(fleet.physnets.map((p) => [p.name, p]));
  const entries: string[] = [];
  const withoutRanges: string[] = [];
  for (const name of [...used].sort()) {
    const ranges = known.get(name)?.vlanRanges ?? [];
    if (ranges.length === 0) withoutRanges.push(name);
    for (const r of ranges) entries.push(`${name}:${r.min}:${r.max}`);
  }
  return { entries, withoutRanges };
}
