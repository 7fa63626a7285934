import {
  domainPolicyProblems,
  domainXmlPolicyProblems,
  forcedSeclabel,
} from '../core/libvirt/domain-policy.js';
import { parseXml } from '../core/libvirt/xml-parse.js';
import { attrOf, childElements, el } from '../core/libvirt/xml-tree.js';
import type { WantedDomain } from './domain-reconcile.js';
import { imageFileProblem, seedFileProblem, type ImageStore } from './image-store.js';

/**
 * The agent's own check before it defines a domain (defence in depth: the
 * controller checked first). A tenant domain must pass the domain policy as
 * rendered (docs/security.md) and each disk must be a regular file inside
 * this host's image directory (the seed CD-ROM: inside its seed folder),
 * links resolved here, now. Returns why not.
 */
export interface DomainGuard {
  domain(d: WantedDomain): Promise<string | null>;
  /** A device to hot-plug (a migration task): only a port device as vfleet renders it. */
  device(xml: string): string | null;
}

export const NO_GUARD: DomainGuard = {
  domain: () => Promise.resolve(null),
  device: () => null,
};

/** The one device, checked as it would sit in a tenant domain that vfleet rendered. */
function deviceProblem(xml: string): string | null {
  let device;
  try {
    device = parseXml(xml, 'xml');
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  const doc = el('domain', { type: 'kvm' }, [
    el('os', {}, [el('type', {}, ['hvm'])]),
    el('devices', {}, [device]),
    forcedSeclabel(),
  ]);
  const problems = domainPolicyProblems(
    doc,
    { stage: 'rendered', imageDir: null, seedDir: null },
    'xml',
  );
  if (device.name !== 'interface' && device.name !== 'hostdev')
    return `refused: <${device.name}> is not a port device`;
  const first = problems[0];
  return first === undefined ? null : `refused by the tenant domain policy: ${first.reason}`;
}

export function createDomainGuard(images: ImageStore | null): DomainGuard {
  return { domain: (d) => checkDomain(images, d), device: deviceProblem };
}

async function checkDomain(images: ImageStore | null, d: WantedDomain): Promise<string | null> {
  // An older controller says nothing: the strict policy applies.
  if (d.policy === 'trusted' || d.xml === null) return null;
  const problems = domainXmlPolicyProblems(
    d.xml,
    { stage: 'rendered', imageDir: images?.dir ?? null, seedDir: images?.seedDir ?? null },
    'xml',
  );
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    return `refused by the tenant domain policy: ${problems[0]?.reason ?? ''}${more}`;
  }
  if (images === null) return null;
  const devices = childElements(parseXml(d.xml, 'xml'), 'devices');
  for (const disk of devices.flatMap((x) => childElements(x, 'disk'))) {
    // The policy let a CD-ROM medium through only as this domain's seed, in the seed folder.
    const seed = attrOf(disk, 'device') === 'cdrom';
    for (const s of childElements(disk, 'source')) {
      const file = attrOf(s, 'file') ?? '';
      const why = seed ? await seedFileProblem(images, file) : await imageFileProblem(images, file);
      if (why !== null) return `refused: ${seed ? 'seed CD-ROM' : 'disk image'} ${why}`;
    }
  }
  return null;
}
