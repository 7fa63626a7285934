import { describe, expect, it } from 'vitest';
import type { HostImages } from '../libvirt/image-names.js';
import { pinBootImage, resolveBootImage, resolveSeedIso } from './vm-images.js';
import type { VmBoot } from './vm-domain.js';

const IMAGES: HostImages = {
  dir: '/var/lib/vfleet/images/',
  images: [
    { name: 'web.qcow2', format: 'qcow2', sizeBytes: 1 },
    { name: 'disk.img', format: 'raw', sizeBytes: 1 },
  ],
  omitted: 0,
};
const boot = (ref: string, format?: 'qcow2' | 'raw'): VmBoot => ({
  base: { kind: 'template', diskImage: '' },
  ports: {},
  image: { ref, ...(format === undefined ? {} : { format }) },
  policy: 'tenant',
});

describe('images by name', () => {
  it('pins the format the agent read, and renders the path in its image directory', () => {
    const pinned = pinBootImage(boot('disk.img'), 'hv-a', IMAGES);
    expect(pinned.image).toEqual({ ref: 'disk.img', format: 'raw' });
    // The image now reads as qcow2 (a guest wrote a header): the pinned format stays.
    const later = {
      ...IMAGES,
      images: [{ name: 'disk.img', format: 'qcow2' as const, sizeBytes: 1 }],
    };
    expect(resolveBootImage(pinned, 'hv-a', later).base).toEqual({
      kind: 'template',
      diskImage: '/var/lib/vfleet/images/disk.img',
      diskFormat: 'raw',
    });
  });

  it('refuses a name the host does not have, listing what it has', () => {
    expect(() => pinBootImage(boot('nope'), 'hv-a', IMAGES)).toThrow(
      /no image "nope" on host hv-a: it has web.qcow2, disk.img/,
    );
    expect(() => pinBootImage(boot('web.qcow2'), 'hv-a', null)).toThrow(/reports no image store/);
    expect(() => resolveBootImage(boot('web.qcow2'), 'hv-a', undefined)).toThrow(/boot.image/);
  });

  it('refuses a format the image does not have', () => {
    expect(() => pinBootImage(boot('web.qcow2', 'raw'), 'hv-a', IMAGES)).toThrow(
      /image web.qcow2 is qcow2, not raw/,
    );
  });

  it('takes an absolute path as given (only trusted tokens get this far with one)', () => {
    const b = pinBootImage(boot('/srv/x.img'), 'hv-a', null);
    expect(resolveBootImage(b, 'hv-a', null).base).toMatchObject({
      diskImage: '/srv/x.img',
      diskFormat: 'qcow2',
    });
  });

  it('adds the image as a disk of a domain XML', () => {
    const b: VmBoot = { ...boot('web.qcow2'), base: { kind: 'xml', xml: '<domain/>' } };
    expect(resolveBootImage(pinBootImage(b, 'h', IMAGES), 'h', IMAGES).base).toEqual({
      kind: 'xml',
      xml: '<domain/>',
      disk: { path: '/var/lib/vfleet/images/web.qcow2', format: 'qcow2' },
    });
  });
});

describe('the cloud-init seed CD-ROM', () => {
  const router: VmBoot = { ...boot('web.qcow2'), guestConfig: 'router' };
  const SEEDS: HostImages = { ...IMAGES, seedDir: '/var/lib/vfleet/seeds/' };

  const conflict = (images: HostImages | null): unknown => {
    try {
      resolveSeedIso(router, 'hv-a', images, 'rtr-4dea22b3');
    } catch (e) {
      return e;
    }
    return undefined;
  };

  it("is the domain's file in the seed folder the host's agent reports, only with a guest configuration", () => {
    expect(resolveSeedIso(router, 'hv-a', SEEDS, 'rtr-4dea22b3')).toBe(
      '/var/lib/vfleet/seeds/rtr-4dea22b3.iso',
    );
    expect(resolveSeedIso(boot('web.qcow2'), 'hv-a', SEEDS, 'rtr-4dea22b3')).toBeUndefined();
    expect(resolveSeedIso(boot('web.qcow2'), 'hv-a', null, 'rtr-4dea22b3')).toBeUndefined();
  });

  it('cannot go to a host whose agent reports no image store', () => {
    const thrown = conflict(null);
    expect(thrown).toMatchObject({ code: 'CONFLICT' });
    expect(String(thrown)).toContain('host hv-a reports no image store');
  });

  it('cannot go to a host whose agent reports images but no seed folder (never the image store)', () => {
    const thrown = conflict(IMAGES);
    expect(thrown).toMatchObject({ code: 'CONFLICT', details: { field: 'boot.guestConfig' } });
    expect(String(thrown)).toContain("host hv-a's agent reports no seed folder");
  });
});
