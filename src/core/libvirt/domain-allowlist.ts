/**
 * What a tenant's `<domain>` may contain (docs/security.md, "Domains and
 * images"): an allowlist, so an element or attribute libvirt adds in a later
 * release is refused until someone has decided it is harmless. Each entry is
 * something a guest legitimately needs and that names no host resource: no
 * host path, no host device, no host socket, no foreign XML namespace.
 * Disks, interfaces, host devices and the seclabel are decided in
 * domain-policy.ts, since they depend on who wrote the element. Here: the
 * children of `<domain>`; the devices are in device-allowlist.ts.
 */

import {
  NUM,
  ON_OFF,
  UNIT,
  WORD,
  YES_NO,
  TUNING,
  flag,
  leaf,
  type ElementRule,
} from './allowlist-rules.js';

const CPU: ElementRule = {
  attrs: {
    mode: ['custom', 'host-model', 'host-passthrough', 'maximum'],
    match: ['minimum', 'exact', 'strict'],
    check: ['none', 'partial', 'full'],
    migratable: ON_OFF,
  },
  children: {
    model: leaf(WORD, { fallback: ['allow', 'forbid'], vendor_id: WORD }),
    vendor: leaf(WORD),
    topology: flag({ sockets: NUM, dies: NUM, clusters: NUM, cores: NUM, threads: NUM }),
    feature: flag({
      policy: ['force', 'require', 'optional', 'disable', 'forbid'],
      name: WORD,
    }),
    cache: flag({ level: NUM, mode: ['emulate', 'passthrough', 'disable'] }),
    maxphysaddr: flag({ mode: ['emulate', 'passthrough'], bits: NUM, limit: NUM }),
  },
};

const OS: ElementRule = {
  // `firmware='efi'` lets libvirt pick the host's firmware; a tenant never names a file.
  attrs: { firmware: ['efi', 'bios'] },
  children: {
    type: leaf(['hvm'], { arch: WORD, machine: WORD }),
    boot: flag({ dev: ['hd', 'cdrom', 'network', 'fd'] }),
    bootmenu: flag({ enable: YES_NO, timeout: NUM }),
    smbios: flag({ mode: ['emulate'] }),
    bios: flag({ useserial: YES_NO, rebootTimeout: NUM }),
    firmware: { children: { feature: flag({ enabled: YES_NO, name: WORD }) } },
  },
};

const CLOCK: ElementRule = {
  attrs: {
    offset: ['utc', 'localtime', 'timezone', 'variable', 'absolute'],
    timezone: /^[A-Za-z0-9_+-][A-Za-z0-9_/+-]{0,63}$/,
    adjustment: /^(-?[0-9]{1,20}|reset)$/,
    basis: ['utc', 'localtime'],
    start: NUM,
  },
  children: {
    timer: {
      attrs: {
        name: WORD,
        present: YES_NO,
        tickpolicy: WORD,
        track: WORD,
        frequency: NUM,
        mode: WORD,
      },
      children: { catchup: flag({ threshold: NUM, slew: NUM, limit: NUM }) },
    },
  },
};

const MEMORY_BACKING: ElementRule = {
  children: {
    hugepages: { children: { page: flag({ size: NUM, unit: UNIT, nodeset: /^[0-9,-]{1,64}$/ }) } },
    nosharepages: flag(),
    // Not `file` (a host directory) and not `<locked/>` (pins host memory).
    source: flag({ type: ['anonymous', 'memfd'] }),
    access: flag({ mode: ['shared', 'private'] }),
    allocation: flag({ mode: ['immediate', 'ondemand'], threads: NUM }),
    discard: flag(),
  },
};

/** Children of `<domain>` any domain may have; `<devices>` is walked with DEVICES. */
export const DOMAIN_CHILDREN: Readonly<Record<string, ElementRule>> = {
  name: leaf('any'),
  uuid: leaf(/^[0-9a-fA-F-]{32,36}$/),
  genid: leaf(/^[0-9a-fA-F-]{0,36}$/),
  title: leaf('any'),
  description: leaf('any'),
  // Owned by vfleet (replaced when rendering).
  memory: leaf(NUM, { unit: UNIT, dumpCore: ON_OFF }),
  currentMemory: leaf(NUM, { unit: UNIT }),
  vcpu: leaf(NUM, { placement: WORD, current: NUM, cpuset: /^[0-9,^-]{1,256}$/ }),
  iothreads: leaf(NUM),
  iothreadids: { children: { iothread: flag({ id: NUM }) } },
  memtune: TUNING(['hard_limit', 'soft_limit', 'swap_hard_limit', 'min_guarantee']),
  memoryBacking: MEMORY_BACKING,
  os: OS,
  features: { free: true },
  cpu: CPU,
  clock: CLOCK,
  on_poweroff: leaf(['destroy', 'restart', 'preserve', 'rename-restart']),
  on_reboot: leaf(['destroy', 'restart', 'preserve', 'rename-restart']),
  // Not the coredump-* actions: they write guest memory to the host's disk.
  on_crash: leaf(['destroy', 'restart', 'preserve', 'rename-restart']),
  pm: {
    children: {
      'suspend-to-mem': flag({ enabled: YES_NO }),
      'suspend-to-disk': flag({ enabled: YES_NO }),
    },
  },
};

/** Period, quota and weight of this guest's own cgroup; pinning is vfleet's. */
export const CPUTUNE_TUNING = TUNING([
  'shares',
  'period',
  'quota',
  'global_period',
  'global_quota',
  'emulator_period',
  'emulator_quota',
  'iothread_period',
  'iothread_quota',
]);

/** Why some well-known elements are refused, so the message says more than "not allowed". */
export const REFUSAL_REASONS: Readonly<Record<string, string>> = {
  filesystem: 'passes host directories through to the guest',
  hostdev: 'assigns a host device; devices come only from vfleet ports',
  emulator: 'names a host program',
  loader: 'names a host firmware file (use os firmware="efi")',
  nvram: 'names a host file',
  kernel: 'names a host file',
  initrd: 'names a host file',
  dtb: 'names a host file',
  cmdline: 'goes with a host kernel file',
  sysinfo: 'can read host files (fwcfg) and copy host SMBIOS data',
  metadata: 'foreign XML other tools may act on; vfleet keeps none',
  resource: 'names a host cgroup partition',
  blkiotune: 'names host block devices',
  numatune: "vfleet places the guest's memory",
  vcpupin: "vfleet pins the guest's vCPUs",
  emulatorpin: "vfleet pins the guest's emulator threads",
  iothreadpin: "vfleet pins the guest's threads",
  shmem: 'shares memory with the host or other guests',
  vsock: 'opens a channel to host services',
  smartcard: 'reads host smartcard devices or sockets',
  redirdev: 'redirects host or client USB devices',
  lease: 'names a host lock file',
  memory: 'a memory device backed by a host file',
  seclabel: 'vfleet sets the security label itself (dynamic)',
  idmap: 'maps host user ids',
  launchSecurity: 'not offered',
  keywrap: 'not offered',
  perf: 'reads host performance counters',
  acceleration: "renders on the host's GPU",
  backingStore: 'names host files',
  log: 'writes a host file',
};
