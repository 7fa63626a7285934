import { isOneOf, VNIC_TYPES } from '../vocabulary.js';
import {
  checkIfname,
  isList,
  checkMac,
  checkObjectName,
  checkOptionalUint,
  checkPciAddress,
  checkPortId,
  checkVlan,
} from './field-checks.js';
import type { Problems } from './problems.js';
import type { ClaimedVf, NormalPort, DomainPort } from './domain-request.js';

const VDPA_DEVICE_RE = /^\/dev\/vhost-vdpa-\d+$/;

/** Records first use of a value so a second use can name the first. */
function once(
  seen: Map<string, string>,
  problems: Problems,
  field: string,
  key: string,
  what: string,
): void {
  const prior = seen.get(key);
  if (prior === undefined) seen.set(key, field);
  else problems.add(field, `${what} ${key} is already used by ${prior}`);
}

function checkVf(
  p: Problems,
  f: string,
  vf: ClaimedVf | undefined,
  type: string,
  pcis: Map<string, string>,
): void {
  if (typeof vf !== 'object') {
    p.add(`${f}.vf`, 'is required');
    return;
  }
  checkOptionalUint(p, `${f}.vf.numaNode`, vf.numaNode);
  checkOptionalUint(p, `${f}.vf.iommuGroup`, vf.iommuGroup);
  if (vf.driverKind === 'other') {
    p.add(
      `${f}.vf.driverKind`,
      'the VF is held by another driver; release it before giving it to a VM',
    );
  }
  if (type === 'direct') {
    const a = checkPciAddress(p, `${f}.vf.pciAddress`, vf.pciAddress);
    if (a !== null) once(pcis, p, `${f}.vf.pciAddress`, a, 'PCI address');
  } else if (type === 'macvtap') {
    // A vfio-bound VF has no netdev for macvtap to sit on.
    if (vf.driverKind === 'vfio') {
      p.add(
        `${f}.vf.driverKind`,
        'macvtap needs the VF kernel netdev, but this VF is bound to vfio-pci',
      );
    } else if (vf.netdev === null) {
      p.add(`${f}.vf.netdev`, 'macvtap needs the VF kernel netdev; the VF has none');
    } else checkIfname(p, `${f}.vf.netdev`, vf.netdev);
  } else if (type === 'vdpa') {
    if (vf.driverKind === 'vfio') {
      p.add(`${f}.vf.driverKind`, 'a VF bound to vfio-pci cannot carry a vDPA device');
    } else if (vf.vdpaDevice === null) {
      p.add(
        `${f}.vf.vdpaDevice`,
        'vdpa needs a vDPA device (/dev/vhost-vdpa-N) on the VF; it has none',
      );
    } else if (typeof vf.vdpaDevice !== 'string' || !VDPA_DEVICE_RE.test(vf.vdpaDevice)) {
      p.add(`${f}.vf.vdpaDevice`, 'must be a path like /dev/vhost-vdpa-0');
    }
  }
}

function checkNormal(p: Problems, f: string, port: NormalPort): void {
  const s = port.source as NormalPort['source'] | undefined;
  if (s?.kind === 'bridge') checkIfname(p, `${f}.source.bridge`, s.bridge);
  else if (s?.kind === 'network') checkObjectName(p, `${f}.source.network`, s.network);
  else p.add(`${f}.source`, "must be { kind: 'bridge', bridge } or { kind: 'network', network }");
}

/** A standby must pair with an existing direct port, carry its MAC, and be its only standby. */
function checkFailover(ports: readonly DomainPort[], p: Problems): void {
  const paired = new Map<string, string>();
  ports.forEach((port, i) => {
    if (port.vnicType !== 'normal' || port.standbyFor === undefined) return;
    const f = `ports[${i}]`;
    const target = ports.find((q) => q.id === port.standbyFor);
    if (target === undefined) {
      p.add(
        `${f}.standbyFor`,
        `no port has id ${port.standbyFor}; a failover standby needs its direct port`,
      );
    } else if (target.vnicType !== 'direct') {
      p.add(
        `${f}.standbyFor`,
        `port ${target.id} is ${target.vnicType}; a failover standby pairs only with a direct port`,
      );
    } else if (target.mac.toLowerCase() !== port.mac.toLowerCase()) {
      p.add(`${f}.mac`, `must equal the MAC of its direct port ${target.id} (${target.mac})`);
    } else if (paired.has(target.id)) {
      p.add(
        `${f}.standbyFor`,
        `port ${target.id} already has a standby (${paired.get(target.id) ?? ''})`,
      );
    } else paired.set(target.id, f);
  });
}

/** Every port-level check; problems are collected, not thrown. */
export function checkPorts(ports: readonly DomainPort[], p: Problems): void {
  if (!isList(ports)) {
    p.add('ports', 'must be a list');
    return;
  }
  const ids = new Map<string, string>();
  const macs = new Map<string, string>();
  const pcis = new Map<string, string>();
  ports.forEach((port, i) => {
    const f = `ports[${i}]`;
    if (!isOneOf(VNIC_TYPES, port.vnicType)) {
      p.add(`${f}.vnicType`, `must be one of ${VNIC_TYPES.join(', ')}`);
      return;
    }
    checkPortId(p, `${f}.id`, port.id);
    if (typeof port.id === 'string') once(ids, p, `${f}.id`, port.id, 'id');
    if (port.vnicType === 'direct-physical') {
      if (typeof port.pf !== 'object') {
        p.add(`${f}.pf`, 'is required');
        return;
      }
      checkOptionalUint(p, `${f}.pf.numaNode`, port.pf.numaNode);
      const a = checkPciAddress(p, `${f}.pf.pciAddress`, port.pf.pciAddress);
      if (a !== null) once(pcis, p, `${f}.pf.pciAddress`, a, 'PCI address');
      return;
    }
    const mac = checkMac(p, `${f}.mac`, port.mac);
    const standby = port.vnicType === 'normal' && port.standbyFor !== undefined;
    if (mac !== null && !standby) once(macs, p, `${f}.mac`, mac, 'MAC');
    checkVlan(p, `${f}.vlan`, port.vlan);
    // libvirt tags only hostdev and macvtap passthrough NICs (virDomainActualNetDefValidate
    // refuses any other at start, though its schema takes <vlan> everywhere); Debian's
    // libvirt 9 cannot tag a Linux bridge port.
    if (port.vnicType === 'normal' && port.vlan !== 0) {
      p.add(`${f}.vlan`, 'libvirt cannot tag a normal port; use 0 and tag on the network side');
    }
    if (port.vnicType === 'vdpa' && port.vlan !== 0) {
      p.add(
        `${f}.vlan`,
        "libvirt cannot tag a vdpa port; use 0 (the VF's VLAN is set through its PF, as vfleet's agent does)",
      );
    }
    if (port.vnicType === 'normal') checkNormal(p, f, port);
    else checkVf(p, f, port.vf, port.vnicType, pcis);
  });
  checkFailover(ports, p);
}
