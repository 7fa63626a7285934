import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandRunner } from '../core/ports.js';
import {
  GUEST_AGENT_DIR,
  GUEST_NODE,
  NESTED_INITRD_COMMAND,
  renderInit,
  renderInittab,
  renderNestedInitrdScript,
  renderVfleetWrapper,
} from './guest/guest-files.js';
import { ImageTree } from './image-tree.js';
import { sharedLibraries } from './ldd.js';

/**
 * Modules the guest's init loads, in order: virtio first (shares, agent port),
 * then the NICs; tun too, as only loading it makes /dev/net/tun (no udev here).
 */
export const BOOT_MODULES = [
  'virtio_pci',
  'virtio_console',
  '9pnet_virtio',
  '9p',
  'igb',
  'igbvf',
  'vfio_iommu_type1',
  'vfio-pci',
  'tun',
  // Last, so igb PFs keep eth0.. and the forward NIC (if any) comes after them.
  'virtio_net',
] as const;
/** In the image for the kernel to load on demand (VLANs, macvtap, bridges). */
export const EXTRA_MODULES = [
  '8021q',
  'macvlan',
  'macvtap',
  'bridge',
  'veth',
  'dummy',
  // The kernel's packet generator, for `vfleet bench datapath`; e1000 for its
  // forwarding VM's e1000 ports (a nested guest loads it from here), vhost_net
  // for its vhost ports.
  'pktgen',
  'e1000',
  'vhost_net',
  // Not for the lab guest: a nested guest's initramfs takes them from here, to
  // read a router's cloud-init seed from its SATA CD-ROM (vfleet-nested-initrd).
  'ahci',
  'sr_mod',
  'isofs',
] as const;
/**
 * Also on demand, where the kernel has them (vDPA needs 6.12 on Debian): the
 * simulators built for the lab (sim-modules.ts), the vDPA bus drivers, and
 * what OVS-style TC offload on representors uses.
 */
export const SIM_GUEST_MODULES = [
  'netdevsim',
  'vdpa_sim_net',
  'vhost_vdpa',
  'virtio_vdpa',
  'sch_ingress',
  'cls_flower',
  'act_mirred',
] as const;

export interface GuestFile {
  readonly host: string;
  readonly guest: string;
}

/** Host programs copied into the guest, with where they go. */
function guestPrograms(nodePath: string): readonly GuestFile[] {
  return [
    { host: '/bin/busybox', guest: '/usr/bin/busybox' },
    // dash as /bin/sh: it looks commands up on PATH, so `ip` is iproute2's.
    { host: '/bin/dash', guest: '/usr/bin/sh' },
    { host: '/usr/sbin/ip', guest: '/usr/sbin/ip' },
    // iproute2's eswitch and vDPA tools, and ethtool (hw-tc-offload), as on a host.
    { host: '/usr/sbin/devlink', guest: '/usr/sbin/devlink' },
    { host: '/usr/sbin/vdpa', guest: '/usr/sbin/vdpa' },
    { host: '/usr/sbin/tc', guest: '/usr/sbin/tc' },
    { host: '/usr/sbin/ethtool', guest: '/usr/sbin/ethtool' },
    // The agent writes guests' cloud-init seed CD-ROMs with it.
    { host: '/usr/bin/genisoimage', guest: '/usr/bin/genisoimage' },
    { host: nodePath, guest: GUEST_NODE },
    // Static: a guest with libvirt indexes the host's libraries beside its own.
    { host: '/sbin/ldconfig', guest: '/usr/sbin/ldconfig' },
  ];
}

/** Busybox applets the image must not link: real programs stand in their place. */
const NOT_FROM_BUSYBOX = new Set(['busybox', 'sh', 'ip', 'tc', 'linuxrc']);

/** dist/ files of the guest agent; it imports nothing else. */
export const AGENT_FILES = [
  'lab/guest/guest-agent.js',
  'lab/guest/agent-protocol.js',
  'adapters/exec/captured-exec.js',
] as const;

export interface ImageSources {
  readonly runner: CommandRunner;
  /** From guestBinaries(). */
  readonly binaries: readonly GuestFile[];
  /** Compiled vfleet (`<installDir>/dist`), for the agent. */
  readonly distDir: string;
  /** Staged modules folder (`lib/modules/<release>` with depmod run). */
  readonly modulesDir: string;
  readonly release: string;
}

/** The programs of the guest and the libraries `ldd` names for them (kept at the same path). */
export async function guestBinaries(runner: CommandRunner, nodePath: string): Promise<GuestFile[]> {
  const files: GuestFile[] = [];
  for (const p of guestPrograms(nodePath)) {
    files.push(p);
    for (const lib of await sharedLibraries(runner, p.host)) {
      if (!files.some((f) => f.host === lib)) files.push({ host: lib, guest: lib });
    }
  }
  return files;
}

/** The guest's generated files: part of the image and of its cache key. */
export function guestTextFiles(): readonly { path: string; text: string; mode: number }[] {
  return [
    { path: '/init', text: renderInit(BOOT_MODULES), mode: 0o755 },
    { path: '/etc/inittab', text: renderInittab(GUEST_NODE), mode: 0o644 },
    // libvirtd looks its default QEMU user up before it reads qemu.conf (which says root).
    {
      path: '/etc/passwd',
      text: 'root:x:0:0:root:/root:/bin/sh\nlibvirt-qemu:x:64055:64055::/var/lib/libvirt:/bin/false\n',
      mode: 0o644,
    },
    { path: '/etc/group', text: 'root:x:0:\nlibvirt-qemu:x:64055:\nkvm:x:64056:\n', mode: 0o644 },
    { path: '/usr/local/bin/vfleet', text: renderVfleetWrapper(GUEST_NODE), mode: 0o755 },
    { path: NESTED_INITRD_COMMAND, text: renderNestedInitrdScript(), mode: 0o755 },
    { path: `${GUEST_AGENT_DIR}/package.json`, text: '{ "type": "module" }\n', mode: 0o644 },
  ];
}

async function addTree(tree: ImageTree, hostDir: string, guestDir: string): Promise<void> {
  for (const entry of await readdir(hostDir, { withFileTypes: true })) {
    const host = join(hostDir, entry.name);
    const guest = `${guestDir}/${entry.name}`;
    if (entry.isDirectory()) await addTree(tree, host, guest);
    else tree.file(guest, await readFile(host));
  }
}

export async function imageTree(src: ImageSources): Promise<ImageTree> {
  const tree = new ImageTree();
  for (const d of ['/proc', '/sys', '/dev', '/run', '/mnt', '/var/lib', '/var/cache', '/etc'])
    tree.dir(d);
  tree.dir('/tmp', 0o1777).dir('/root', 0o700).chardev('/dev/console', 5, 1);
  for (const f of src.binaries) tree.file(f.guest, await readFile(f.host), 0o755);
  tree.symlink('/usr/bin/dash', 'sh');
  // Each applet where a Debian system keeps that program (/sbin/modprobe is
  // where the kernel looks when it loads a module by itself).
  const applets = await src.runner.run('/bin/busybox', ['--list-full'], { timeoutMs: 10_000 });
  for (const path of applets.stdout.split('\n').map((s) => s.trim())) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (!path.includes('/') || NOT_FROM_BUSYBOX.has(name) || tree.has(`/${path}`)) continue;
    tree.symlink(`/${path}`, '/usr/bin/busybox');
  }
  for (const f of AGENT_FILES) {
    tree.file(`${GUEST_AGENT_DIR}/${f}`, await readFile(join(src.distDir, f)));
  }
  await addTree(tree, src.modulesDir, `/lib/modules/${src.release}`);
  for (const f of guestTextFiles()) tree.file(f.path, f.text, f.mode);
  return tree;
}
