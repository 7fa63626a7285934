import { ADDRESS, ALIAS, type ElementRule } from './allowlist-rules.js';
import { REFUSAL_REASONS } from './domain-allowlist.js';
import { isImageName } from './image-names.js';
import { seedIsoPath } from './seed-disk.js';
import { NIC_MODELS } from './domain-request.js';
import { add, walk, type Ctx, type Special } from './policy-walk.js';
import { attrOf, childElements, type XmlElement } from './xml-tree.js';

/*
 * The devices whose rule depends on who wrote them: in a tenant's base only
 * an empty CD-ROM drive; in the rendered document also the image disk inside
 * the host's image directory, the guest's cloud-init seed CD-ROM
 * (seed-disk.ts) and vfleet's port devices, in the shapes render-ports.ts
 * writes.
 */

const DISK_COMMON: Readonly<Record<string, ElementRule>> = {
  target: {
    attrs: { dev: /^[a-z]{2,3}[a-z0-9]{1,4}$/, bus: /^[a-z]{2,8}$/, tray: ['open', 'closed'] },
  },
  readonly: {},
  boot: { attrs: { order: /^[0-9]{1,4}$/ } },
  serial: { text: /^[A-Za-z0-9_.-]{1,20}$/ },
  address: ADDRESS,
  alias: ALIAS,
};

const EMPTY_CDROM: ElementRule = {
  attrs: { type: ['file'], device: ['cdrom'] },
  children: { ...DISK_COMMON, driver: { attrs: { name: ['qemu'], type: ['raw'] } } },
};

const IMAGE_DISK: ElementRule = {
  attrs: { type: ['file'], device: ['disk'] },
  children: {
    ...DISK_COMMON,
    // The format is always named, so libvirt never probes it from guest-written bytes.
    driver: {
      attrs: {
        name: ['qemu'],
        type: ['qcow2', 'raw'],
        cache: ['none', 'writeback', 'writethrough', 'directsync', 'unsafe'],
        io: ['native', 'threads', 'io_uring'],
        discard: ['unmap', 'ignore'],
        iothread: /^[0-9]{1,4}$/,
      },
    },
    // Checked by imageSource below.
    source: { attrs: { file: /^\/.*$/ } },
  },
};

/** The seed CD-ROM as seed-disk.ts writes it; its one source is checked by seedSource. */
const SEED_CDROM: ElementRule = {
  attrs: { type: ['file'], device: ['cdrom'] },
  children: {
    ...DISK_COMMON,
    driver: { attrs: { name: ['qemu'], type: ['raw'] } },
    source: { attrs: { file: /^\/.*$/, startupPolicy: ['requisite'] } },
  },
};

function disk(e: XmlElement, path: string, c: Ctx): void {
  const sources = childElements(e, 'source');
  const cdrom = attrOf(e, 'device') === 'cdrom';
  if (cdrom && sources.length === 0) {
    walk(e, EMPTY_CDROM, path, c);
    return;
  }
  if (c.stage === 'base') {
    add(
      c,
      path,
      "<disk> is not allowed: the disk comes from boot.image (an image of the host's image store); only an empty CD-ROM drive may be declared",
    );
    return;
  }
  if (cdrom) {
    seedCdrom(e, sources, path, c);
    return;
  }
  walk(e, IMAGE_DISK, path, c);
  if (sources.length !== 1) add(c, path, 'an image disk has exactly one <source file>');
  for (const s of sources) imageSource(attrOf(s, 'file') ?? '', `${path}/source`, c);
}

function imageSource(file: string, path: string, c: Ctx): void {
  const dir = c.imageDir?.replace(/\/+$/, '');
  if (dir === undefined || dir === '') {
    add(c, path, 'this host has no image directory: no disk image is allowed');
    return;
  }
  const name = file.startsWith(`${dir}/`) ? file.slice(dir.length + 1) : null;
  if (name === null || !isImageName(name)) {
    add(c, path, `file="${file}" is not an image of the host's image directory ${dir}`);
  }
}

/**
 * A CD-ROM with a medium: only the one vfleet adds, the guest's own seed
 * (this domain's file in the agent's seed folder), read-only.
 */
function seedCdrom(e: XmlElement, sources: readonly XmlElement[], path: string, c: Ctx): void {
  walk(e, SEED_CDROM, path, c);
  if (childElements(e, 'readonly').length !== 1) add(c, path, 'the seed CD-ROM is <readonly/>');
  const dir = c.seedDir?.replace(/\/+$/, '');
  // A domain name that is no file name (a `/`, `..`) has no seed: the path would leave the folder.
  const want =
    dir === undefined || dir === '' || !isImageName(c.domain) ? null : seedIsoPath(dir, c.domain);
  const [source, ...more] = sources;
  const file = source === undefined || more.length > 0 ? undefined : attrOf(source, 'file');
  if (want === null || file !== want) {
    const only = want ?? 'none here: no seed folder or no such file name';
    add(
      c,
      path,
      `a CD-ROM medium is only vfleet's cloud-init seed of this domain (${only}), not file="${file ?? ''}"`,
    );
  }
}

const MAC = { attrs: { address: /^[0-9a-fA-F:]{17}$/ } };
const NET_NAME = /^[^/\s][^/]{0,254}$/;

/** A port device as render-ports.ts writes it, found by its `ua-` alias. */
const PORT_INTERFACE: ElementRule = {
  attrs: { type: ['hostdev', 'direct', 'vdpa', 'bridge', 'network'], managed: ['yes'] },
  children: {
    mac: MAC,
    driver: { attrs: { name: ['vfio', 'vhost'] } },
    source: {
      attrs: {
        bridge: NET_NAME,
        network: NET_NAME,
        dev: /^(\/dev\/vhost-vdpa-[0-9]{1,6}|[A-Za-z0-9_.-]{1,15})$/,
        mode: ['passthrough'],
      },
      children: { address: ADDRESS },
    },
    vlan: { children: { tag: { attrs: { id: /^[0-9]{1,4}$/ } } } },
    model: { attrs: { type: NIC_MODELS } },
    teaming: {
      attrs: { type: ['persistent', 'transient'], persistent: ALIAS.attrs?.name ?? 'any' },
    },
    alias: ALIAS,
    address: ADDRESS,
  },
};

const PORT_HOSTDEV: ElementRule = {
  attrs: { mode: ['subsystem'], type: ['pci'], managed: ['yes'] },
  children: {
    driver: { attrs: { name: ['vfio'] } },
    source: { children: { address: ADDRESS } },
    alias: ALIAS,
    address: ADDRESS,
  },
};

const hasPortAlias = (e: XmlElement) =>
  childElements(e, 'alias').some((a) => (attrOf(a, 'name') ?? '').startsWith('ua-'));

function portDevice(rule: ElementRule, baseReason: string): Special {
  return (e, path, c) => {
    if (c.stage === 'base') add(c, path, `<${e.name}> is not allowed: ${baseReason}`);
    else if (!hasPortAlias(e)) add(c, path, `<${e.name}> is not one of vfleet's port devices`);
    else walk(e, rule, path, c);
  };
}

export const DEVICE_SPECIALS: Readonly<Record<string, Special>> = {
  disk,
  interface: portDevice(
    PORT_INTERFACE,
    'every NIC is a vfleet port (vnicType normal for a bridge or a libvirt network)',
  ),
  hostdev: portDevice(PORT_HOSTDEV, REFUSAL_REASONS.hostdev ?? 'host device'),
};
