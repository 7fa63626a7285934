/**
 * What a tenant's `<domain>` may contain (docs/security.md, "Domains and
 * images"): an allowlist, so an element or attribute libvirt adds in a later
 * release is refused until someone has decided it is harmless. Each entry is
 * something a guest legitimately needs and that names no host resource: no
 * host path, no host device, no host socket, no foreign XML namespace.
 * Disks, interfaces, host devices and the seclabel are decided in
 * domain-policy.ts, since they depend on who wrote the element.
 */

/** Allowed values: any (still no host path), a closed list, or a pattern. */
export type ValueRule = 'any' | readonly string[] | RegExp;

export interface ElementRule {
  readonly attrs?: Readonly<Record<string, ValueRule>>;
  readonly children?: Readonly<Record<string, ElementRule>>;
  /** Text content; absent: none. */
  readonly text?: ValueRule;
  /** Every descendant allowed with any attributes (still no host path): `<features>`. */
  readonly free?: boolean;
}

const NUM = /^-?[0-9]{1,20}$/;
const HEX = /^(0x)?[0-9a-fA-F]{1,16}$/;
const WORD = /^[A-Za-z0-9_.:+-]{1,64}$/;
const YES_NO = ['yes', 'no'];
const ON_OFF = ['on', 'off'];
const UNIT = /^[A-Za-z]{1,8}$/;
const LOCAL = ['127.0.0.1', '::1', 'localhost'];

const leaf = (text: ValueRule, attrs: Record<string, ValueRule> = {}): ElementRule => ({
  attrs,
  text,
});
const flag = (attrs: Record<string, ValueRule> = {}): ElementRule => ({ attrs });

/** Guest-side addresses (where the device sits in the guest), and user aliases. */
export const ADDRESS: ElementRule = flag({
  type: WORD,
  domain: HEX,
  bus: HEX,
  slot: HEX,
  function: HEX,
  multifunction: ON_OFF,
  controller: NUM,
  target: NUM,
  unit: NUM,
  port: /^[0-9.]{1,16}$/,
  reg: HEX,
  base: HEX,
  iobase: HEX,
  irq: HEX,
});
export const ALIAS: ElementRule = flag({ name: /^ua-[A-Za-z0-9_-]{1,60}$/ });
const DEVICE_DRIVER = flag({ iommu: ON_OFF, ats: ON_OFF, packed: ON_OFF, page_per_vq: ON_OFF });
const placed = (r: ElementRule): ElementRule => ({
  ...r,
  children: { ...r.children, address: ADDRESS, alias: ALIAS },
});

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

const TUNING = (names: readonly string[]): ElementRule => ({
  children: Object.fromEntries(names.map((n) => [n, leaf(NUM, { unit: UNIT })])),
});

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

const GRAPHICS: ElementRule = {
  attrs: {
    type: ['vnc', 'spice'],
    // Ports chosen by libvirt only: a fixed port would collide with other guests'.
    port: ['-1'],
    tlsPort: ['-1'],
    websocket: ['-1'],
    autoport: ['yes'],
    listen: LOCAL,
    defaultMode: ['any', 'secure', 'insecure'],
    passwd: 'any',
    passwdValidTo: 'any',
    connected: WORD,
    keymap: WORD,
    sharePolicy: WORD,
    powerControl: YES_NO,
  },
  children: {
    // Not `type='socket'` (a host path) nor `network` (any host address).
    listen: flag({ type: ['address', 'none'], address: LOCAL }),
    channel: flag({ name: WORD, mode: WORD }),
    image: flag({ compression: WORD }),
    jpeg: flag({ compression: WORD }),
    zlib: flag({ compression: WORD }),
    playback: flag({ compression: ON_OFF }),
    streaming: flag({ mode: WORD }),
    clipboard: flag({ copypaste: YES_NO }),
    mouse: flag({ mode: WORD }),
    filetransfer: flag({ enable: YES_NO }),
  },
};

/** Character devices: a pty only (no file, device, socket, pipe or network backend). */
const CHARDEV = (types: readonly string[], source: ElementRule | null): ElementRule =>
  placed({
    attrs: { type: types },
    children: {
      target: {
        attrs: { type: WORD, port: NUM, name: WORD, state: WORD },
        children: { model: flag({ name: WORD }) },
      },
      ...(source === null ? {} : { source }),
    },
  });

/** Devices every domain may have (disks, interfaces, host devices: domain-policy.ts). */
export const DEVICES: Readonly<Record<string, ElementRule>> = {
  controller: placed({
    attrs: {
      type: ['ide', 'fdc', 'scsi', 'sata', 'usb', 'ccid', 'virtio-serial', 'pci'],
      index: NUM,
      model: WORD,
      ports: NUM,
      vectors: NUM,
    },
    children: {
      driver: flag({
        queues: NUM,
        cmd_per_lun: NUM,
        max_sectors: NUM,
        ioeventfd: ON_OFF,
        iothread: NUM,
        iommu: ON_OFF,
        ats: ON_OFF,
        packed: ON_OFF,
      }),
      master: flag({ startport: NUM }),
      target: flag({
        chassisNr: NUM,
        chassis: NUM,
        port: HEX,
        busNr: NUM,
        index: NUM,
        hotplug: ON_OFF,
        memReserve: NUM,
      }),
      model: flag({ name: WORD }),
      pcihole64: leaf(NUM, { unit: UNIT }),
    },
  }),
  graphics: GRAPHICS,
  video: placed({
    children: {
      // No <acceleration>: accel3d renders on the host's GPU.
      model: flag({
        type: ['vga', 'cirrus', 'virtio', 'qxl', 'bochs', 'ramfb', 'none'],
        vram: NUM,
        vram64: NUM,
        ram: NUM,
        vgamem: NUM,
        heads: NUM,
        primary: YES_NO,
      }),
    },
  }),
  // Not `passthrough`/`evdev`: those read a host input device.
  input: placed({
    attrs: { type: ['tablet', 'mouse', 'keyboard'], bus: ['usb', 'ps2', 'virtio'] },
  }),
  sound: placed({
    attrs: { model: WORD },
    children: { codec: flag({ type: WORD }), audio: flag({ id: NUM }) },
  }),
  // Not `file`, `pulseaudio`, `alsa`, ...: host files and sound servers.
  audio: flag({ id: NUM, type: ['none', 'spice'] }),
  memballoon: placed({
    attrs: {
      model: ['virtio', 'virtio-transitional', 'virtio-non-transitional', 'none'],
      autodeflate: ON_OFF,
      freePageReporting: ON_OFF,
    },
    children: { stats: flag({ period: NUM }), driver: DEVICE_DRIVER },
  }),
  rng: placed({
    attrs: { model: ['virtio', 'virtio-transitional', 'virtio-non-transitional'] },
    children: {
      rate: flag({ bytes: NUM, period: NUM }),
      // Not `egd` (a chardev to anywhere); a random backend reads only these.
      backend: leaf(['/dev/urandom', '/dev/random'], { model: ['random', 'builtin'] }),
      driver: DEVICE_DRIVER,
    },
  }),
  watchdog: placed({
    attrs: {
      model: ['i6300esb', 'ib700', 'diag288', 'itco'],
      // Not `dump`: it writes guest memory to the host's disk.
      action: ['reset', 'shutdown', 'poweroff', 'pause', 'none', 'inject-nmi'],
    },
  }),
  serial: CHARDEV(['pty'], null),
  console: CHARDEV(['pty'], null),
  // unix only without a path: libvirt makes the socket (the guest agent's channel).
  channel: CHARDEV(['pty', 'unix', 'spicevmc'], flag({ mode: ['bind'] })),
  tpm: placed({
    attrs: { model: ['tpm-tis', 'tpm-crb', 'tpm-spapr'] },
    children: {
      // Not `passthrough` (the host's TPM): swtpm, whose state libvirt keeps.
      backend: flag({ type: ['emulator'], version: ['1.2', '2.0'], persistent_state: YES_NO }),
    },
  }),
  panic: placed({ attrs: { model: WORD } }),
  iommu: placed({
    attrs: { model: ['intel', 'virtio', 'smmuv3'] },
    children: {
      driver: flag({
        intremap: ON_OFF,
        caching_mode: ON_OFF,
        eim: ON_OFF,
        iotlb: ON_OFF,
        aw_bits: NUM,
      }),
    },
  }),
  hub: placed({ attrs: { type: ['usb'] } }),
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
