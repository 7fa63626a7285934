import type { OpenstackPf } from './openstack-devices.js';

/**
 * Nova's `[pci]` entries for one host: `device_spec` (one JSON object per
 * line; the option is multi-valued and adds up across config files) and
 * `alias` for flavors that ask for a VF or a whole PF by model.
 *
 * A VF with a vDPA device is offered like any other: Nova's libvirt driver
 * types it `vdpa` itself (the VF is the parent of a vDPA node device) and
 * keeps it for `vnic_type=vdpa` ports. No `dev_type` tag marks it here: Nova
 * copies a spec's tags over the device's own pool keys, so the tag would
 * retype every VF the entry matches, a VF without a vDPA device included,
 * and hand that one to a vdpa port.
 */
export function novaDeviceSpecs(pfs: readonly OpenstackPf[]): string[] {
  const out: string[] = [];
  for (const d of pfs) {
    const { pf } = d;
    if (d.whole !== null) {
      // The PF's own ids keep the entry from also matching VFs, should any appear.
      out.push(
        json({
          address: pf.pciAddress,
          vendor_id: pf.vendorId,
          product_id: pf.deviceId,
          ...physnetTag(d.whole.physnet),
        }),
      );
    }
    if (d.offered.length === 0) continue;
    const trust = new Set(d.offered.map((v) => v.trusted));
    if (d.excluded.length === 0 && trust.size === 1 && pf.vfDeviceId !== null) {
      // Every VF is OpenStack's alike: the PF address matches all its VFs, and
      // the VF product id keeps it from also offering the PF itself.
      out.push(
        json({
          address: pf.pciAddress,
          vendor_id: pf.vendorId,
          product_id: pf.vfDeviceId,
          ...physnetTag(d.physnet),
          ...trustedTag(d.offered[0]?.trusted === true),
        }),
      );
      continue;
    }
    for (const vf of d.offered) {
      out.push(
        json({ address: vf.pciAddress, ...physnetTag(d.physnet), ...trustedTag(vf.trusted) }),
      );
    }
  }
  return out;
}

/**
 * One alias per model offered: `vfleet-<vendor>-<device>-vf` (type-VF) and
 * `-pf` (type-PF). Named from the ids alone, so every compute node and
 * nova-api compute the same names, as Nova requires.
 */
export function novaAliases(pfs: readonly OpenstackPf[]): string[] {
  const byName = new Map<string, string>();
  for (const { pf, offered, whole } of pfs) {
    // Written for vDPA VFs too, though Nova keeps vdpa-typed VFs from alias
    // requests: a host without the alias would refuse a flavor naming it
    // (PciRequestAliasNotDefined), and Nova wants the same aliases everywhere.
    if (offered.length > 0 && pf.vfDeviceId !== null) {
      const name = `vfleet-${pf.vendorId}-${pf.vfDeviceId}-vf`;
      byName.set(
        name,
        json({
          name,
          vendor_id: pf.vendorId,
          product_id: pf.vfDeviceId,
          device_type: 'type-VF',
        }),
      );
    }
    if (whole !== null) {
      const name = `vfleet-${pf.vendorId}-${pf.deviceId}-pf`;
      byName.set(
        name,
        json({ name, vendor_id: pf.vendorId, product_id: pf.deviceId, device_type: 'type-PF' }),
      );
    }
  }
  return [...byName.keys()].sort().map((k) => byName.get(k) ?? '');
}

const physnetTag = (p: string | null): Record<string, string> =>
  p === null ? {} : { physical_network: p };

/** Nova's tags are strings; absent means untrusted, so only "true" is written. */
const trustedTag = (t: boolean): Record<string, string> => (t ? { trusted: 'true' } : {});

const json = (o: Record<string, string>): string => JSON.stringify(o);
