import { VfleetError } from '../errors.js';
import { normalizeMac } from '../mac-address.js';
import { parsePciAddress } from '../pci-address.js';
import type { DirectPort, NormalPort, DomainPort } from './domain-request.js';
import { el, type XmlElement } from './xml-tree.js';

/**
 * One device element per port (docs/libvirt.md). Inputs have passed
 * `prepareInstance`; every port carries a user alias `ua-<id>` so it can be
 * found again for detach and for the failover pairing.
 */

const hex = (n: number, width: number) => `0x${n.toString(16).padStart(width, '0')}`;

/**
 * `0000:04:10.1` → `<address type='pci' domain='0x0000' bus='0x04' slot='0x10' function='0x1'/>`;
 * a `<hostdev>` source address takes no type attribute (libvirt's schema).
 */
export function pciAddressElement(address: string | null, typed = true): XmlElement {
  const a = address === null ? null : parsePciAddress(address);
  if (a === null) throw new VfleetError('INTERNAL', `unvalidated PCI address ${String(address)}`);
  return el('address', {
    type: typed ? 'pci' : undefined,
    domain: hex(a.domain, 4),
    bus: hex(a.bus, 2),
    slot: hex(a.slot, 2),
    function: hex(a.fn, 1),
  });
}

export const aliasOf = (portId: string): string => `ua-${portId}`;

const mac = (m: string) => el('mac', { address: normalizeMac(m) ?? m });
const vlan = (tag: number) => (tag === 0 ? null : el('vlan', {}, [el('tag', { id: tag })]));
const alias = (portId: string) => el('alias', { name: aliasOf(portId) });

/** Standby NIC id for each direct port that has one. */
export function standbyIndex(ports: readonly DomainPort[]): ReadonlyMap<string, string> {
  const m = new Map<string, string>();
  for (const p of ports)
    if (p.vnicType === 'normal' && p.standbyFor !== undefined) m.set(p.standbyFor, p.id);
  return m;
}

function direct(p: DirectPort, standbyId: string | undefined): XmlElement {
  return el('interface', { type: 'hostdev', managed: 'yes' }, [
    mac(p.mac),
    el('driver', { name: 'vfio' }),
    el('source', {}, [pciAddressElement(p.vf.pciAddress)]),
    vlan(p.vlan),
    // The VF is the transient half: unplugged before migration, the guest keeps the standby.
    standbyId !== undefined && el('teaming', { type: 'transient', persistent: aliasOf(standbyId) }),
    alias(p.id),
  ]);
}

function normal(p: NormalPort): XmlElement {
  const source =
    p.source.kind === 'bridge'
      ? el('source', { bridge: p.source.bridge })
      : el('source', { network: p.source.network });
  const model = p.model ?? 'virtio';
  return el('interface', { type: p.source.kind }, [
    mac(p.mac),
    source,
    el('model', { type: model }),
    // vhost is virtio's in-kernel backend; an emulated igb has none.
    model === 'virtio' && el('driver', { name: 'vhost' }),
    p.standbyFor !== undefined && el('teaming', { type: 'persistent' }),
    alias(p.id),
  ]);
}

/** The device element of one port of a validated instance. */
export function renderPortElement(
  p: DomainPort,
  standbys: ReadonlyMap<string, string>,
): XmlElement {
  switch (p.vnicType) {
    case 'direct':
      return direct(p, standbys.get(p.id));
    case 'direct-physical':
      return el('hostdev', { mode: 'subsystem', type: 'pci', managed: 'yes' }, [
        el('driver', { name: 'vfio' }),
        el('source', {}, [pciAddressElement(p.pf.pciAddress, false)]),
        alias(p.id),
      ]);
    case 'macvtap':
      // libvirt (>= 1.3.5) sets MAC and VLAN on the VF through its PF in passthrough mode.
      return el('interface', { type: 'direct' }, [
        mac(p.mac),
        el('source', { dev: p.vf.netdev ?? '', mode: 'passthrough' }),
        vlan(p.vlan),
        el('model', { type: 'virtio' }),
        alias(p.id),
      ]);
    case 'vdpa':
      return el('interface', { type: 'vdpa' }, [
        mac(p.mac),
        el('source', { dev: p.vf.vdpaDevice ?? '' }),
        el('model', { type: 'virtio' }),
        alias(p.id),
      ]);
    case 'normal':
      return normal(p);
  }
}
