import { hasVdpa, type ExportHost, type ExportPf, type ExportVf } from './export-fleet.js';

/**
 * Which devices of a host OpenStack takes, decided once so that Nova's and
 * Neutron's files agree: a VF Nova offers is always on a PF the SR-IOV agent
 * maps, to the same physnet, and every other VF of that PF is excluded.
 */
export interface OpenstackPf {
  pf: ExportPf;
  /** the physnet the agent maps this PF to; null when no VF of it is OpenStack's */
  physnet: string | null;
  /** OpenStack's VFs on that physnet: Nova's device_spec offers these */
  offered: ExportVf[];
  /** the PF's other VFs: the agent's exclude_devices */
  excluded: ExportVf[];
  /** set when the PF itself is offered whole to OpenStack (type-PF) */
  whole: { physnet: string | null } | null;
  /**
   * The PF is in switchdev mode and has VFs for OpenStack: Neutron's
   * openvswitch or ovn mechanism driver binds them through their
   * representors, with OVS hardware offload, and the SR-IOV agent stays off it.
   */
  switchdev: boolean;
  /** why some VFs are left out, for a comment in the files */
  notes: string[];
}

/** The per-host script that turns on OVS hardware offload (openstack-files.ts writes it). */
export const OVS_HW_OFFLOAD_FILE = 'ovs-hw-offload.sh';

export function openstackDevices(host: ExportHost): OpenstackPf[] {
  return host.pfs.map((pf) => {
    const whole = pf.whole?.owner === 'openstack' ? pf.whole : null;
    const mine = pf.vfs.filter((v) => v.owner === 'openstack' && v.physnet !== null);
    const notes: string[] = [];
    // Neutron maps one PF netdev to one physnet (parse_mappings refuses a
    // netdev twice), so VFs of the PF on another physnet stay vfleet's.
    const physnet = mine[0]?.physnet ?? null;
    let offered = mine.filter((v) => v.physnet === physnet);
    if (offered.length < mine.length) {
      notes.push(
        `${pf.pciAddress}: VFs on physnets other than ${physnet ?? ''} left out; Neutron maps a PF to one physnet`,
      );
    }
    if (offered.length > 0 && !listableIfname(pf.ifname)) {
      notes.push(
        `${pf.pciAddress}: no netdev name Neutron's lists can hold (${pf.ifname ?? 'none reported'}), so its VFs are left out`,
      );
      offered = [];
    }
    const excluded = offered.length === 0 ? [] : pf.vfs.filter((v) => !offered.includes(v));
    const switchdev = offered.length > 0 && pf.eswitchMode === 'switchdev';
    if (switchdev) {
      notes.push(
        `${pf.pciAddress} (${pf.ifname ?? ''}) is in switchdev mode: Neutron's openvswitch or ovn mechanism driver binds its VFs through their representors (vnic_type direct with the switchdev capability, or vdpa), with OVS hardware offload (${OVS_HW_OFFLOAD_FILE}); the SR-IOV agent does not map it`,
      );
    }
    const vdpa = offered.filter(hasVdpa);
    if (vdpa.length > 0) {
      notes.push(
        `${pf.pciAddress}: VFs with a vDPA device (${vdpa.map((v) => `${v.pciAddress} ${v.vdpaDev ?? ''}`).join(', ')}): Nova reports each as type vdpa, for Neutron ports with vnic_type vdpa only; no alias reaches them`,
      );
    }
    return {
      pf,
      physnet: offered.length === 0 ? null : physnet,
      offered,
      excluded,
      whole: whole === null ? null : { physnet: whole.physnet },
      switchdev,
      notes,
    };
  });
}

/** Neutron's options split on "," ":" and ";"; a netdev named with them cannot be listed. */
const listableIfname = (n: string | null): boolean => n !== null && /^[^\s,:;=]+$/.test(n);
