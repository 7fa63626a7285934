import {
  ADDRESS,
  ALIAS,
  CPUTUNE_TUNING,
  DEVICES,
  DOMAIN_CHILDREN,
  REFUSAL_REASONS,
  type ElementRule,
  type ValueRule,
} from './domain-allowlist.js';
import { isImageName } from './image-names.js';
import type { Problem } from './problems.js';
import { parseXml } from './xml-parse.js';
import { attrOf, childElements, el, type XmlElement } from './xml-tree.js';

/**
 * The tenant domain policy (docs/security.md, "Domains and images"): what a
 * `<domain>` may make a host do when its author is not trusted with the host.
 * Two stages, one rule set:
 *
 * - `base`: the tenant's own XML, before vfleet adds anything (controller).
 *   No disks but an empty CD-ROM drive (the disk comes from `boot.image`),
 *   no NICs and no host devices (those come only from ports), no seclabel.
 * - `rendered`: the document an agent is about to define. vfleet's own
 *   additions are allowed in the shapes its renderers write (port devices
 *   with their `ua-` alias, the image disk inside the image directory, vCPU
 *   and memory pinning), and vfleet's forced seclabel must be there.
 */
export type PolicyStage = 'base' | 'rendered';

export interface PolicyOptions {
  readonly stage: PolicyStage;
  /** The host's image directory; disk sources must be images in it (rendered stage). */
  readonly imageDir: string | null;
}

/** Dynamic labelling by the host's security driver (SELinux, AppArmor or DAC): vfleet forces it. */
export const forcedSeclabel = (): XmlElement => el('seclabel', { type: 'dynamic', relabel: 'yes' });

interface Ctx extends PolicyOptions {
  readonly out: Problem[];
  readonly field: string;
}

const add = (c: Ctx, path: string, reason: string) =>
  c.out.push({ field: c.field, reason: `${path}: ${reason}` });

const isForeign = (name: string) => name.includes(':') || name === 'xmlns';

function valueOk(rule: ValueRule, v: string): boolean {
  if (rule === 'any') return !v.trimStart().startsWith('/');
  if (rule instanceof RegExp) return rule.test(v);
  return rule.includes(v);
}

function ownText(e: XmlElement): string {
  return e.children
    .map((c) => (c.kind === 'text' ? c.text : ''))
    .join('')
    .trim();
}

function checkAttrs(e: XmlElement, rule: ElementRule, path: string, c: Ctx): void {
  for (const [k, v] of e.attrs) {
    if (isForeign(k)) {
      add(c, path, `attribute ${k} is refused: only libvirt's own XML, no other namespace`);
      continue;
    }
    const r = rule.free === true ? 'any' : rule.attrs?.[k];
    if (r === undefined) add(c, path, `attribute ${k} is not allowed`);
    else if (!valueOk(r, v)) {
      add(
        c,
        path,
        v.trimStart().startsWith('/') && r === 'any'
          ? `${k}="${v}": host paths are not accepted`
          : `${k}="${v}" is not allowed`,
      );
    }
  }
  const text = ownText(e);
  if (text === '') return;
  const t = rule.free === true ? 'any' : rule.text;
  if (t === undefined) add(c, path, 'text content is not allowed here');
  else if (!valueOk(t, text)) add(c, path, `"${text.slice(0, 80)}" is not allowed here`);
}

/** `/domain/devices/disk[2]`: an index only where a name repeats. */
function childPaths(e: XmlElement, path: string): [XmlElement, string][] {
  const kids = childElements(e);
  const seen = new Map<string, number>();
  return kids.map((k) => {
    const n = (seen.get(k.name) ?? 0) + 1;
    seen.set(k.name, n);
    const many = kids.filter((x) => x.name === k.name).length > 1;
    return [k, `${path}/${k.name}${many ? `[${n}]` : ''}`];
  });
}

function refuse(c: Ctx, e: XmlElement, path: string): void {
  if (isForeign(e.name)) {
    add(c, path, `<${e.name}> is refused: only libvirt's own XML, no other namespace`);
    return;
  }
  const why = REFUSAL_REASONS[e.name];
  add(c, path, `<${e.name}> is not allowed${why === undefined ? '' : `: ${why}`}`);
}

type Special = (e: XmlElement, path: string, c: Ctx) => void;

function walk(
  e: XmlElement,
  rule: ElementRule,
  path: string,
  c: Ctx,
  special: Readonly<Record<string, Special>> = {},
): void {
  checkAttrs(e, rule, path, c);
  for (const [k, kp] of childPaths(e, path)) {
    const s = special[k.name];
    if (isForeign(k.name)) refuse(c, k, kp);
    else if (s !== undefined) s(k, kp, c);
    else if (rule.free === true) walk(k, { free: true }, kp, c);
    else {
      const r = rule.children?.[k.name];
      if (r === undefined) refuse(c, k, kp);
      else walk(k, r, kp, c);
    }
  }
}

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

function disk(e: XmlElement, path: string, c: Ctx): void {
  const sources = childElements(e, 'source');
  if (attrOf(e, 'device') === 'cdrom' && sources.length === 0) {
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
    model: { attrs: { type: ['virtio'] } },
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

const DEVICE_SPECIALS: Readonly<Record<string, Special>> = {
  disk,
  interface: portDevice(
    PORT_INTERFACE,
    'every NIC is a vfleet port (vnicType normal for a bridge or a libvirt network)',
  ),
  hostdev: portDevice(PORT_HOSTDEV, REFUSAL_REASONS.hostdev ?? 'host device'),
};

const PINS: ElementRule = {
  children: {
    ...CPUTUNE_TUNING.children,
    vcpupin: { attrs: { vcpu: /^[0-9]{1,5}$/, cpuset: /^[0-9,^-]{1,1024}$/ } },
    emulatorpin: { attrs: { cpuset: /^[0-9,^-]{1,1024}$/ } },
  },
};

const NUMATUNE: ElementRule = {
  children: {
    memory: { attrs: { mode: ['strict', 'preferred', 'interleave'], nodeset: /^[0-9,-]{1,256}$/ } },
  },
};

function seclabel(e: XmlElement, path: string, c: Ctx): void {
  if (c.stage === 'base') {
    refuse(c, e, path);
    return;
  }
  const forced = forcedSeclabel();
  const same =
    e.attrs.length === forced.attrs.length &&
    forced.attrs.every(([k, v]) => attrOf(e, k) === v) &&
    childElements(e).length === 0;
  if (!same) add(c, path, 'only vfleet\'s <seclabel type="dynamic" relabel="yes"/> is allowed');
}

const ROOT_SPECIALS: Readonly<Record<string, Special>> = {
  devices: (e, path, c) => {
    walk(e, { children: DEVICES }, path, c, DEVICE_SPECIALS);
  },
  cputune: (e, path, c) => {
    walk(e, c.stage === 'base' ? CPUTUNE_TUNING : PINS, path, c);
  },
  numatune: (e, path, c) => {
    if (c.stage === 'base') refuse(c, e, path);
    else walk(e, NUMATUNE, path, c);
  },
  seclabel,
};

/** Every way `root` breaks the tenant policy, each naming `field` and the element path. */
export function domainPolicyProblems(root: XmlElement, o: PolicyOptions, field: string): Problem[] {
  const c: Ctx = { ...o, out: [], field };
  if (root.name !== 'domain') {
    add(c, `/${root.name}`, 'the root element must be <domain>');
    return c.out;
  }
  walk(
    root,
    { attrs: { type: ['kvm', 'qemu'] }, children: DOMAIN_CHILDREN },
    '/domain',
    c,
    ROOT_SPECIALS,
  );
  if (o.stage === 'rendered' && childElements(root, 'seclabel').length !== 1) {
    add(c, '/domain', 'vfleet\'s <seclabel type="dynamic" relabel="yes"/> must be there, once');
  }
  return c.out;
}

/** The same, from text (the agent's check of a document it received). */
export function domainXmlPolicyProblems(xml: string, o: PolicyOptions, field: string): Problem[] {
  try {
    return domainPolicyProblems(parseXml(xml, field), o, field);
  } catch (e) {
    return [{ field, reason: e instanceof Error ? e.message : String(e) }];
  }
}
