import { normalizeMac } from '../mac-address.js';
import { formatPciAddress, normalizePciAddress } from '../pci-address.js';
import type { Problems } from './problems.js';
import type { DiskFormat, DomainTemplate, DomainPort } from './domain-request.js';
import { attrOf, childElements, el, type XmlElement } from './xml-tree.js';

/**
 * The domain skeleton before vfleet's merge: the minimal template (kvm, or qemu), or
 * checks of the user's own XML so that the merge cannot produce a domain
 * libvirt would refuse for reasons the user never wrote.
 */

/** The boot disk: the format is always named, so libvirt never guesses it from the image's bytes. */
export function imageDiskElement(path: string, format: DiskFormat): XmlElement {
  return el('disk', { type: 'file', device: 'disk' }, [
    el('driver', { name: 'qemu', type: format }),
    el('source', { file: path }),
    el('target', { dev: 'vda', bus: 'virtio' }),
  ]);
}

/** A guest with one virtio disk and a serial console; the merge adds the rest. */
export function templateDomain(t: DomainTemplate): XmlElement {
  const arch = t.arch ?? 'x86_64';
  // q35 gives PCIe root ports, which VF hot-plug (migration, failover) needs.
  const machine = t.machine ?? (arch === 'x86_64' ? 'q35' : undefined);
  const type = t.virtType ?? 'kvm';
  // Software emulation has no host CPU to pass through: QEMU's "max" model
  // offers every feature TCG emulates (libvirt refuses host-passthrough there).
  const cpu = type === 'kvm' ? 'host-passthrough' : 'maximum';
  return el('domain', { type }, [
    el('os', {}, [el('type', { arch, machine }, ['hvm']), el('boot', { dev: 'hd' })]),
    el('features', {}, [el('acpi'), el('apic')]),
    el('cpu', { mode: cpu }),
    el('devices', {}, [
      imageDiskElement(t.diskImage, t.diskFormat ?? 'qcow2'),
      el('serial', { type: 'pty' }),
      el('console', { type: 'pty' }),
    ]),
  ]);
}

function* walk(e: XmlElement): Generator<XmlElement> {
  yield e;
  for (const c of childElements(e)) yield* walk(c);
}

/** `<address type='pci' domain= bus= slot= function=/>` back to `dddd:bb:ss.f`. */
export function pciOfAddressElement(a: XmlElement): string | null {
  // A <hostdev> source address carries no type; an interface's says pci.
  const type = attrOf(a, 'type');
  if ((type !== undefined && type !== 'pci') || attrOf(a, 'bus') === undefined) return null;
  const n = (k: string) => Number.parseInt(attrOf(a, k) ?? '0', 16);
  const [domain, bus, slot, fn] = [n('domain'), n('bus'), n('slot'), n('function')];
  if ([domain, bus, slot, fn].some((x) => Number.isNaN(x))) return null;
  return formatPciAddress({ domain, bus, slot, fn });
}

/** Who in the base already uses what vfleet is about to add. */
function used(root: XmlElement): { macs: Set<string>; pcis: Set<string>; aliases: Set<string> } {
  const macs = new Set<string>();
  const pcis = new Set<string>();
  const aliases = new Set<string>();
  for (const devices of childElements(root, 'devices')) {
    for (const dev of childElements(devices)) {
      for (const m of childElements(dev, 'mac')) {
        const mac = normalizeMac(attrOf(m, 'address') ?? '');
        if (mac !== null) macs.add(mac);
      }
      for (const s of childElements(dev, 'source')) {
        for (const a of childElements(s, 'address')) {
          const pci = pciOfAddressElement(a);
          if (pci !== null) pcis.add(pci);
        }
      }
      for (const e of walk(dev)) {
        const alias = e.name === 'alias' ? attrOf(e, 'name') : undefined;
        if (alias !== undefined) aliases.add(alias);
      }
    }
  }
  return { macs, pcis, aliases };
}

/** Problems with a user's base domain, named at `base.xml`. */
export function checkBaseDomain(root: XmlElement, ports: readonly DomainPort[], p: Problems): void {
  const f = 'base.xml';
  if (root.name !== 'domain') {
    p.add(f, `the root element must be <domain>, not <${root.name}>`);
    return;
  }
  if (childElements(root, 'vcpus').length > 0) {
    p.add(f, '<vcpus> (per-vCPU hot-plug state) is not supported: vfleet sets the vCPU count');
  }
  if (childElements(root, 'cpu').some((c) => childElements(c, 'numa').length > 0)) {
    p.add(f, 'guest NUMA cells (<cpu><numa>) are not supported: vfleet sets the memory size');
  }
  const { macs, pcis, aliases } = used(root);
  ports.forEach((port, i) => {
    if (aliases.has(`ua-${port.id}`)) {
      p.add(f, `already has a device with alias ua-${port.id} (ports[${i}].id)`);
    }
    const mac = port.vnicType === 'direct-physical' ? null : normalizeMac(port.mac);
    if (mac !== null && macs.has(mac))
      p.add(f, `already has a device with MAC ${mac} (ports[${i}].mac)`);
    const raw =
      port.vnicType === 'direct-physical'
        ? port.pf.pciAddress
        : port.vnicType === 'direct'
          ? port.vf.pciAddress
          : null;
    const pci = raw === null ? null : normalizePciAddress(raw);
    if (pci !== null && pcis.has(pci)) {
      p.add(f, `already assigns PCI device ${pci} (ports[${i}])`);
    }
  });
}
