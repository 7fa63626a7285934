import { CPUTUNE_TUNING, DOMAIN_CHILDREN } from './domain-allowlist.js';
import { DEVICES } from './device-allowlist.js';
import type { ElementRule } from './allowlist-rules.js';
import { DEVICE_SPECIALS } from './policy-devices.js';
import { add, refuse, walk, type Ctx, type PolicyOptions, type Special } from './policy-walk.js';
import type { Problem } from './problems.js';
import { parseXml } from './xml-parse.js';
import { attrOf, childElements, el, textOf, type XmlElement } from './xml-tree.js';

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
 *   with their `ua-` alias, the image disk inside the image directory, the
 *   guest's own cloud-init seed CD-ROM, vCPU and memory pinning), and
 *   vfleet's forced seclabel must be there.
 */

/** Dynamic labelling by the host's security driver (SELinux, AppArmor or DAC): vfleet forces it. */
export const forcedSeclabel = (): XmlElement => el('seclabel', { type: 'dynamic', relabel: 'yes' });

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
  const name = childElements(root, 'name')[0];
  const c: Ctx = { ...o, out: [], field, domain: name === undefined ? null : textOf(name).trim() };
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
