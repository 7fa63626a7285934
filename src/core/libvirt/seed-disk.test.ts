import { describe, expect, it } from 'vitest';
import { domainXmlPolicyProblems } from './domain-policy.js';
import { exampleInstance } from './domain-request-examples.js';
import type { PolicyOptions } from './policy-walk.js';
import { renderDomainXml } from './render-domain.js';
import { seedIsoPath } from './seed-disk.js';

const IMAGES = '/var/lib/vfleet/images';
const SEEDS = '/var/lib/vfleet/seeds';
const SEED = seedIsoPath(SEEDS, 'rtr-1');
const base: PolicyOptions = { stage: 'base', imageDir: IMAGES, seedDir: SEEDS };
const rendered: PolicyOptions = { stage: 'rendered', imageDir: IMAGES, seedDir: SEEDS };
const problems = (xml: string, o: PolicyOptions) =>
  domainXmlPolicyProblems(xml, o, 'xml').map((p) => p.reason);

/** A tenant's router as the controller renders it, with its seed. */
const router = (over: Parameters<typeof exampleInstance>[0] = {}) =>
  renderDomainXml(exampleInstance({ name: 'rtr-1', policy: 'tenant', seedIso: SEED, ...over })).xml;

/** The document without the serializer's indentation. */
const flat = (xml: string) => xml.replace(/>\s+</g, '><');

const CDROM_BASE =
  "<domain type='kvm'><os><type>hvm</type></os><devices><disk type='file' device='cdrom'><target dev='sda' bus='sata'/><readonly/></disk></devices></domain>";

describe('the cloud-init seed CD-ROM', () => {
  it("lives in the agent's seed folder, apart from the images, named after the domain", () => {
    expect(SEED).toBe('/var/lib/vfleet/seeds/rtr-1.iso');
    expect(seedIsoPath('/srv/seeds//', 'a')).toBe('/srv/seeds/a.iso');
    expect(seedIsoPath('/srv/img/.cidata', 'a')).toBe('/srv/img/.cidata/a.iso');
  });

  it('is rendered read-only on SATA, only when asked for', () => {
    expect(flat(router())).toContain(
      `<disk type="file" device="cdrom"><driver name="qemu" type="raw"/><source file="${SEED}" startupPolicy="requisite"/><target dev="sda" bus="sata"/><readonly/></disk>`,
    );
    const plain = renderDomainXml(exampleInstance({ name: 'rtr-1', policy: 'tenant' })).xml;
    expect(plain).not.toContain('cdrom');
  });

  it("takes the next free SATA name beside a base's own drive", () => {
    const xml = flat(router({ base: { kind: 'xml', xml: CDROM_BASE } }));
    expect(xml).toContain('<target dev="sda" bus="sata"/><readonly/></disk>');
    expect(xml).toContain(`<source file="${SEED}" startupPolicy="requisite"/><target dev="sdb"`);
  });

  it('passes the rendered-stage policy (what the agent checks before defining)', () => {
    expect(problems(router(), rendered)).toEqual([]);
    expect(problems(router({ base: { kind: 'xml', xml: CDROM_BASE } }), rendered)).toEqual([]);
  });

  it.each([
    ['a host file', '/etc/shadow'],
    ["another domain's seed", seedIsoPath(SEEDS, 'other-1')],
    ['an image of the store', `${IMAGES}/web.raw`],
    ["this domain's seed where the image store's folder held it", `${IMAGES}/.cidata/rtr-1.iso`],
    ["this domain's seed by name in the image store", seedIsoPath(IMAGES, 'rtr-1')],
    ['a way out of the seed folder', `${SEEDS}/../../../etc/shadow`],
  ])('refuses a CD-ROM medium that is %s, even as vfleet rendered it', (_what, file) => {
    const xml = router().replace(SEED, file);
    expect(problems(xml, rendered)).toEqual([
      `/domain/devices/disk[2]: a CD-ROM medium is only vfleet's cloud-init seed of this domain (${SEED}), not file="${file}"`,
    ]);
  });

  it('refuses the seed without <readonly/>, or dropped-if-missing at any start', () => {
    const writable = router().replace(/<readonly\/>(\s*<\/disk>)/, '$1');
    expect(problems(writable, rendered)).toEqual([
      '/domain/devices/disk[2]: the seed CD-ROM is <readonly/>',
    ]);
    const optional = router().replace('startupPolicy="requisite"', 'startupPolicy="optional"');
    expect(problems(optional, rendered)).toEqual([
      '/domain/devices/disk[2]/source: startupPolicy="optional" is not allowed',
    ]);
  });

  it('refuses a seed on a host whose agent reports no seed folder, whatever its image store', () => {
    for (const imageDir of [null, IMAGES])
      expect(problems(router(), { stage: 'rendered', imageDir, seedDir: null })).toContain(
        `/domain/devices/disk[2]: a CD-ROM medium is only vfleet's cloud-init seed of this domain (none here: no seed folder or no such file name), not file="${SEED}"`,
      );
  });

  it('takes the seed folder as reported, not the image store', () => {
    const moved = seedIsoPath('/srv/seeds', 'rtr-1');
    const xml = router().replace(SEED, moved);
    expect(problems(xml, { ...rendered, seedDir: '/srv/seeds/' })).toEqual([]);
    expect(problems(xml, rendered)).toHaveLength(1);
  });

  it("refuses a tenant's own XML that adds a CD-ROM with a host path, the seed's path too", () => {
    for (const file of ['/etc/shadow', SEED]) {
      const xml = CDROM_BASE.replace('<target', `<source file='${file}'/><target`);
      expect(problems(xml, base)).toEqual([
        "/domain/devices/disk: <disk> is not allowed: the disk comes from boot.image (an image of the host's image store); only an empty CD-ROM drive may be declared",
      ]);
    }
  });
});
