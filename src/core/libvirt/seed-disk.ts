import { attrOf, childElements, el, type XmlElement } from './xml-tree.js';

/*
 * A guest's cloud-init NoCloud seed as the agent hands it over: an ISO 9660
 * volume labelled `cidata`, attached read-only as a CD-ROM (docs/libvirt.md,
 * "A router VM on SR-IOV ports"). The agent writes it in its own seed folder
 * (`vfleet agent --seed-dir`), named after the domain, and reports that
 * folder beside its image store. Apart from the images: an image store is
 * often read-only (a shared export of golden images), and tenants name
 * images, never seed files; the domain policy accepts exactly this domain's
 * seed path, so a tenant can neither boot from another guest's seed nor
 * point a disk at it.
 */

/**
 * The NoCloud files: `meta-data`, `user-data`, `network-config`. Declared
 * here, beside the disk that carries them, so that core/fleet (which
 * renders them) and core/migration (which moves them) share one type
 * without importing each other.
 */
export interface GuestSeed {
  readonly metaData: string;
  readonly userData: string;
  readonly networkConfig: string;
}

/** The volume label NoCloud looks for. */
export const SEED_VOLUME_ID = 'cidata';

/** The seed ISO of `domain` on a host whose agent writes seeds in `seedDir`. */
export const seedIsoPath = (seedDir: string, domain: string): string =>
  `${seedDir.replace(/\/+$/, '')}/${domain}.iso`;

/** The first SATA disk name (`sda`, `sdb`, ...) no disk of `devices` targets yet. */
export function freeSataTarget(devices: XmlElement | undefined): string {
  const used = new Set(
    (devices === undefined ? [] : childElements(devices, 'disk'))
      .flatMap((d) => childElements(d, 'target'))
      .map((t) => attrOf(t, 'dev')),
  );
  for (let i = 0; i < 26; i++) {
    const dev = `sd${String.fromCharCode(97 + i)}`;
    if (!used.has(dev)) return dev;
  }
  return 'sdaa';
}

/**
 * The seed's CD-ROM. SATA: q35 has its AHCI controller built in, and
 * libvirt adds one elsewhere. `requisite`: a boot without the file fails
 * (the agent writes it before it defines the domain), but a live migration
 * to a host that has no copy yet drops the medium instead of failing; the
 * target's agent writes it and redefines the domain once it lands there, so
 * the next boot has it again (cloud-init reads the seed only at boot).
 */
export function seedCdromElement(path: string, dev: string): XmlElement {
  return el('disk', { type: 'file', device: 'cdrom' }, [
    el('driver', { name: 'qemu', type: 'raw' }),
    el('source', { file: path, startupPolicy: 'requisite' }),
    el('target', { dev, bus: 'sata' }),
    el('readonly'),
  ]);
}
