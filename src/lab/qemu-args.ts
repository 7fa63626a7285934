import { dirname } from 'node:path';
import { AGENT_PORT_NAME } from './guest/agent-protocol.js';
import { GUEST_FORWARD, GUEST_LINK, SHARE_TAGS } from './guest/guest-files.js';
import type { LabUpOptions } from './lab-options.js';

/** QEMU option strings separate on commas; a comma inside a value is written twice. */
const q = (value: string) => value.replace(/,/g, ',,');

export interface QemuFiles {
  readonly kernel: string;
  readonly initrd: string;
  readonly repoDir: string;
  /** Where the repo's node_modules link points, when outside the repo: shared read-only too. */
  readonly modulesDir?: string;
  readonly persistDir: string;
  readonly serialLog: string;
  readonly agentSocket: string;
  readonly pidFile: string;
  /** Argv start of the forward relay (node and its script); the target host and port follow. */
  readonly relay: readonly string[];
}

/** One argument as glib's g_shell_parse_argv (how QEMU's `cmd:` is split) reads it back. */
const shellWord = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * The forward NIC: a virtio NIC on its own user-mode backend that reaches
 * nothing (restrict=on) but one guestfwd. A chardev guestfwd would carry all
 * guest connections over one stream, so `cmd:` runs the relay once per
 * connection instead; the relay connects only to the loopback host:port.
 */
function forwardArgs(opts: LabUpOptions, files: QemuFiles): string[] {
  if (opts.forward === undefined) return [];
  const { host, port } = opts.forward;
  const cmd = [...files.relay, host, `${port}`].map(shellWord).join(' ');
  return [
    '-netdev',
    `user,id=fwd,restrict=on,ipv6=off,guestfwd=tcp:${GUEST_FORWARD.server}:${port}-cmd:${q(cmd)}`,
    '-device',
    'virtio-net-pci,netdev=fwd,bus=pcie.0,romfile=',
  ];
}

/** The user's image directory, read-only: the guest may read images, never change them. */
function imageShareArgs(opts: LabUpOptions): string[] {
  if (opts.imageDir === undefined) return [];
  return [
    '-fsdev',
    `local,id=fsimages,path=${q(opts.imageDir)},security_model=none,readonly=on`,
    '-device',
    `virtio-9p-pci,fsdev=fsimages,mount_tag=${SHARE_TAGS.images},bus=pcie.0`,
  ];
}

/**
 * The host's /usr, read-only, for a guest with libvirt: its libvirtd, QEMU
 * and their libraries and data are the host's own packages (setup-lab),
 * run in place rather than copied into every lab image.
 */
function libvirtArgs(opts: LabUpOptions, files: QemuFiles): string[] {
  if (!opts.libvirt) return [];
  return [
    '-fsdev',
    'local,id=fshostusr,path=/usr,security_model=none,readonly=on',
    '-device',
    `virtio-9p-pci,fsdev=fshostusr,mount_tag=${SHARE_TAGS.hostUsr},bus=pcie.0`,
    // The lab's own kernel, read-only: what the guest's nested guests boot.
    '-fsdev',
    `local,id=fslabimage,path=${q(dirname(files.kernel))},security_model=none,readonly=on`,
    '-device',
    `virtio-9p-pci,fsdev=fslabimage,mount_tag=${SHARE_TAGS.labImage},bus=pcie.0`,
  ];
}

/** Kernel command line: serial console, our init, and the IOMMU as asked. */
export function kernelCmdline(opts: LabUpOptions): string {
  const iommu = opts.iommu === 'on' ? 'intel_iommu=on iommu=pt' : 'intel_iommu=off';
  // panic=0: a panicking guest stays down so `lab up` reports it instead of
  // looping. no_timer_check: on a busy host the emulated CPU can miss the
  // kernel's IO-APIC timer test, which panics once interrupts are remapped.
  // mitigations=off: the guest is sealed off, and page-table isolation costs
  // dearly under emulation. Not `quiet`: the kernel's own boot lines are the
  // progress a slow boot is judged by, and what a failed one is explained with.
  const libvirt = opts.libvirt ? ' vfleet.libvirt=1' : '';
  const link = opts.link === undefined ? '' : ` vfleet.link=${String(opts.link.index)}`;
  return `console=ttyS0 rdinit=/init panic=0 no_timer_check mitigations=off ${iommu} vfleet.lab=${opts.name}${libvirt}${link}`;
}

/**
 * The migration link: a virtio NIC whose frames go, as UDP datagrams on the
 * host's loopback, to the peer guest's QEMU and nowhere else.
 */
function linkArgs(opts: LabUpOptions): string[] {
  if (opts.link === undefined) return [];
  const { index, localPort, remotePort } = opts.link;
  const end = (side: 'local' | 'remote', port: number) =>
    `${side}.type=inet,${side}.host=127.0.0.1,${side}.port=${String(port)}`;
  return [
    '-netdev',
    `dgram,id=link,${end('local', localPort)},${end('remote', remotePort)}`,
    '-device',
    `virtio-net-pci,netdev=link,bus=pcie.0,romfile=,mac=${GUEST_LINK.mac(index)}`,
  ];
}

function pfArgs(opts: LabUpOptions): string[] {
  const args: string[] = [];
  for (let i = 0; i < opts.pfs; i++) {
    // With two NUMA nodes every second PF sits behind an expander bridge on node 1.
    const onNode1 = opts.numa === 2 && i % 2 === 1;
    if (onNode1 && !args.includes('pxb-pcie,id=pxb1,bus_nr=128,numa_node=1,bus=pcie.0')) {
      args.push('-device', 'pxb-pcie,id=pxb1,bus_nr=128,numa_node=1,bus=pcie.0');
    }
    args.push(
      '-netdev',
      `user,id=n${i},restrict=on`,
      '-device',
      `pcie-root-port,id=rp${i},bus=${onNode1 ? 'pxb1' : 'pcie.0'},chassis=${i + 1}`,
      '-device',
      `igb,netdev=n${i},bus=rp${i}`,
    );
  }
  return args;
}

function topologyArgs(opts: LabUpOptions): string[] {
  const args = ['-smp', '2', '-m', `${opts.memory}`];
  if (opts.numa === 2) {
    const half = Math.floor(opts.memory / 2);
    for (const node of [0, 1]) {
      args.push(
        '-object',
        `memory-backend-ram,id=m${node},size=${node === 0 ? opts.memory - half : half}M`,
        '-numa',
        `node,nodeid=${node},cpus=${node},memdev=m${node}`,
      );
    }
  }
  return args;
}

/**
 * The QEMU command line of a lab guest: q35 with split irqchip, an emulated
 * Intel IOMMU when asked, igb PFs whose user-mode backends reach nothing,
 * the repo read-only and a persistent folder over virtio-9p, and the agent's
 * virtio-serial port on a unix socket. Every non-bridge device names
 * `bus=pcie.0`: only bridges can plug into the expander.
 */
export function qemuArgs(opts: LabUpOptions, files: QemuFiles): string[] {
  return [
    '-name',
    `vfleet-lab-${opts.name}`,
    '-machine',
    'q35,kernel-irqchip=split',
    // Software emulation only: where /dev/kvm exists but does not work (nested
    // sandboxes) a KVM guest hangs silently, so the lab never asks for it.
    '-accel',
    'tcg',
    // An Intel CPU to go with the emulated Intel IOMMU (qemu64 alone says AMD).
    '-cpu',
    'qemu64,vendor=GenuineIntel,svm=off',
    ...topologyArgs(opts),
    ...(opts.iommu === 'on' ? ['-device', 'intel-iommu,intremap=on,caching-mode=on'] : []),
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-serial',
    `file:${q(files.serialLog)}`,
    '-kernel',
    files.kernel,
    '-initrd',
    files.initrd,
    '-append',
    kernelCmdline(opts),
    '-device',
    'virtio-serial-pci,id=vser0,bus=pcie.0',
    '-chardev',
    `socket,id=agent,path=${q(files.agentSocket)},server=on,wait=off`,
    '-device',
    `virtserialport,bus=vser0.0,chardev=agent,name=${AGENT_PORT_NAME}`,
    '-fsdev',
    `local,id=fsrepo,path=${q(files.repoDir)},security_model=none,readonly=on`,
    '-device',
    `virtio-9p-pci,fsdev=fsrepo,mount_tag=${SHARE_TAGS.repo},bus=pcie.0`,
    ...(files.modulesDir === undefined
      ? []
      : [
          '-fsdev',
          `local,id=fsmodules,path=${q(files.modulesDir)},security_model=none,readonly=on`,
          '-device',
          `virtio-9p-pci,fsdev=fsmodules,mount_tag=${SHARE_TAGS.modules},bus=pcie.0`,
        ]),
    '-fsdev',
    `local,id=fspersist,path=${q(files.persistDir)},security_model=none`,
    '-device',
    `virtio-9p-pci,fsdev=fspersist,mount_tag=${SHARE_TAGS.persist},bus=pcie.0`,
    ...imageShareArgs(opts),
    ...libvirtArgs(opts, files),
    ...pfArgs(opts),
    ...forwardArgs(opts, files),
    ...linkArgs(opts),
    '-pidfile',
    files.pidFile,
    '-daemonize',
  ];
}
