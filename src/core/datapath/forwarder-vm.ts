import { formatCpuList } from '../libvirt/cpu-list.js';
import { el, serializeXml, type XmlElement } from '../libvirt/xml-tree.js';
import type { VirtType } from '../libvirt/hypervisor-facts.js';
import { VfleetError } from '../errors.js';
import { parsePciAddress } from '../pci-address.js';
import type { DatapathPath } from './datapath-report.js';

/**
 * The forwarding VM of the VM paths: one guest with a NIC pair per path,
 * each pair in subnets of its own, routing from the sender's side to the
 * receiver's. The seeds measure a VM's forwarding rate this way (a router
 * between two ports), so every path is measured through the same guest.
 */

/** How a VM port reaches the host's side of the path. */
export type VmPortKind =
  /** A VF given to the VM whole (vfio-pci, libvirt managed). */
  | { readonly kind: 'vf'; readonly pci: string }
  /** A vDPA device of a VF, through vhost-vdpa (`/dev/vhost-vdpa-N`): the datapath in the NIC. */
  | { readonly kind: 'vdpa'; readonly charDev: string }
  /** A macvtap in bridge mode on the PF. */
  | { readonly kind: 'macvtap'; readonly pf: string }
  /** A tap on a bridge vfleet made, with QEMU's device model and, for vhost, the kernel's vhost-net. */
  | {
      readonly kind: 'tap';
      readonly bridge: string;
      readonly model: 'virtio' | 'e1000';
      readonly vhost: boolean;
    };

export interface VmPort {
  readonly path: DatapathPath;
  readonly side: 'in' | 'out';
  readonly mac: string;
  /** The guest's address on the port, with its prefix length (`198.18.2.254/24`). */
  readonly cidr: string;
  readonly via: VmPortKind;
}

export interface ForwarderVm {
  readonly name: string;
  readonly virtType: VirtType;
  readonly kernel: string;
  readonly initrd: string;
  /** The serial console's file: read when the guest does not come up. */
  readonly console: string;
  readonly vcpus: number;
  readonly memoryMiB: number;
  /** Host CPUs the vCPUs may run on (the NIC's node, less the sender's CPU); null: anywhere. */
  readonly cpuset: readonly number[] | null;
  readonly ports: readonly VmPort[];
}

/** What the guest's init prints on its console, each port as it comes up, then `ready`. */
export const FORWARDER_PREFIX = 'vfleet-forwarder:';

/**
 * A throwaway guest that only forwards: no IPv6 (no solicitations among the
 * counted frames), and none of the checks that make a boot slow under
 * emulation (crypto self-tests, the TSC's and timer checks, watchdogs,
 * audit, AppArmor). `vfleet.fwd` lists each port as MAC@CIDR.
 */
export function forwarderCmdline(ports: readonly VmPort[]): string {
  const fwd = ports.map((p) => `${p.mac}@${p.cidr}`).join(',');
  return [
    'console=ttyS0 quiet panic=-1 ipv6.disable=1 mitigations=off cryptomgr.notests',
    `tsc=reliable no_timer_check nowatchdog audit=0 apparmor=0 vfleet.fwd=${fwd}`,
  ].join(' ');
}

function pciSource(pci: string): XmlElement {
  const a = parsePciAddress(pci);
  if (a === null)
    throw new VfleetError('INVALID_INPUT', `${pci} is not a PCI address`, { field: 'pci' });
  const hex = (n: number, w: number) => `0x${n.toString(16).padStart(w, '0')}`;
  return el('source', {}, [
    el('address', {
      type: 'pci',
      domain: hex(a.domain, 4),
      bus: hex(a.bus, 2),
      slot: hex(a.slot, 2),
      function: hex(a.fn, 1),
    }),
  ]);
}

function portElement(p: VmPort): XmlElement {
  const mac = el('mac', { address: p.mac });
  const v = p.via;
  if (v.kind === 'vf')
    return el('interface', { type: 'hostdev', managed: 'yes' }, [mac, pciSource(v.pci)]);
  if (v.kind === 'vdpa')
    return el('interface', { type: 'vdpa' }, [mac, el('source', { dev: v.charDev })]);
  if (v.kind === 'macvtap')
    return el('interface', { type: 'direct' }, [
      mac,
      el('source', { dev: v.pf, mode: 'bridge' }),
      el('model', { type: 'virtio' }),
    ]);
  return el('interface', { type: 'bridge' }, [
    mac,
    el('source', { bridge: v.bridge }),
    el('model', { type: v.model }),
    // virtio's backend: vhost-net in the kernel, or QEMU's own userspace loop.
    v.model === 'virtio' ? el('driver', { name: v.vhost ? 'vhost' : 'qemu' }) : null,
  ]);
}

/** The domain's XML: a direct kernel boot, no disk, the ports, the console in a file. */
export function forwarderDomainXml(vm: ForwarderVm): string {
  const cpu = vm.virtType === 'kvm' ? 'host-passthrough' : 'maximum';
  const cpuset =
    vm.cpuset === null || vm.cpuset.length === 0 ? undefined : formatCpuList(vm.cpuset);
  const root = el('domain', { type: vm.virtType }, [
    el('name', {}, [vm.name]),
    el('description', {}, ['vfleet bench datapath: the forwarding VM; removed when the run ends']),
    el('memory', { unit: 'MiB' }, [vm.memoryMiB]),
    el('vcpu', { placement: 'static', cpuset }, [vm.vcpus]),
    el('os', {}, [
      el('type', { arch: 'x86_64', machine: 'q35' }, ['hvm']),
      el('kernel', {}, [vm.kernel]),
      el('initrd', {}, [vm.initrd]),
      el('cmdline', {}, [forwarderCmdline(vm.ports)]),
    ]),
    el('features', {}, [el('acpi'), el('apic')]),
    el('cpu', { mode: cpu }),
    el('on_poweroff', {}, ['destroy']),
    el('on_reboot', {}, ['destroy']),
    el('on_crash', {}, ['destroy']),
    el('devices', {}, [
      ...vm.ports.map(portElement),
      el('serial', { type: 'file' }, [el('source', { path: vm.console })]),
      el('memballoon', { model: 'none' }),
    ]),
  ]);
  return serializeXml(root);
}
