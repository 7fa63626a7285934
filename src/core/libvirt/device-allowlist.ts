import {
  HEX,
  LOCAL,
  NUM,
  ON_OFF,
  UNIT,
  WORD,
  YES_NO,
  flag,
  leaf,
  placed,
  type ElementRule,
} from './allowlist-rules.js';

/*
 * The `<devices>` a tenant's domain may have (docs/security.md, "Domains and
 * images"), in the allowlist's terms (domain-allowlist.ts says why it is one).
 */

const DEVICE_DRIVER = flag({ iommu: ON_OFF, ats: ON_OFF, packed: ON_OFF, page_per_vq: ON_OFF });

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
