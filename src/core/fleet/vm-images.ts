import { VfleetError } from '../errors.js';
import { isImageName, type HostImage, type HostImages } from '../libvirt/image-names.js';
import type { DiskFormat } from '../libvirt/domain-request.js';
import { seedIsoPath } from '../libvirt/seed-disk.js';
import type { VmBoot } from './vm-domain.js';

/**
 * Images by name (docs/security.md, "Domains and images"): a boot names an
 * image of its host's image store, which the host's agent reports; only a
 * trusted token may give an absolute host path instead.
 */

const withImage = (boot: VmBoot, path: string, format: DiskFormat): VmBoot => ({
  ...boot,
  base:
    boot.base.kind === 'template'
      ? { ...boot.base, diskImage: path, diskFormat: format }
      : { ...boot.base, disk: { path, format } },
});

function unknownImage(name: string, host: string, images: HostImages | null): VfleetError {
  const names = images?.images.map((i) => i.name) ?? [];
  const has =
    images === null
      ? 'its agent reports no image store'
      : names.length === 0
        ? `its image store ${images.dir} holds no image`
        : `it has ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''}`;
  const reason = `no image "${name}" on host ${host}: ${has}`;
  return new VfleetError('INVALID_INPUT', `boot.image: ${reason}`, {
    field: 'boot.image',
    problems: [{ field: 'boot.image', reason }],
    images: names,
  });
}

/** The image named `name` in the host's store, or the error listing what the store has. */
function hostImage(
  name: string,
  host: string,
  images: HostImages | null | undefined,
): { image: HostImage; dir: string } {
  const found = isImageName(name) ? images?.images.find((i) => i.name === name) : undefined;
  if (images === null || images === undefined || found === undefined)
    throw unknownImage(name, host, images ?? null);
  return { image: found, dir: images.dir };
}

/**
 * At creation: a named image must be on the host, and its format (read by
 * the agent from the file's header) is pinned in the boot record, so a guest
 * that rewrites its raw disk to look like qcow2 never has it opened as one.
 */
export function pinBootImage(
  boot: VmBoot,
  host: string,
  images: HostImages | null | undefined,
): VmBoot {
  const image = boot.image;
  if (image === undefined) return boot;
  if (image.ref.startsWith('/'))
    return { ...boot, image: { ...image, format: image.format ?? 'qcow2' } };
  const found = hostImage(image.ref, host, images).image;
  if (image.format !== undefined && image.format !== found.format) {
    const reason = `image ${found.name} is ${found.format}, not ${image.format}`;
    throw new VfleetError('INVALID_INPUT', `boot.imageFormat: ${reason}`, {
      field: 'boot.imageFormat',
      problems: [{ field: 'boot.imageFormat', reason }],
    });
  }
  return { ...boot, image: { ref: found.name, format: found.format } };
}

/** For rendering: the boot's image as a disk; a name becomes its path in the host's image store. */
export function resolveBootImage(
  boot: VmBoot,
  host: string,
  images: HostImages | null | undefined,
): VmBoot {
  const image = boot.image;
  if (image === undefined) return boot;
  const format = image.format ?? 'qcow2';
  if (image.ref.startsWith('/')) return withImage(boot, image.ref, format);
  const { image: found, dir } = hostImage(image.ref, host, images);
  return withImage(boot, `${dir.replace(/\/+$/, '')}/${found.name}`, format);
}

/**
 * Where the host's agent writes the guest's cloud-init seed (seed-disk.ts):
 * in the seed folder it reports beside its image store, so a host whose
 * agent reports none cannot take a guest configuration. undefined without one.
 */
export function resolveSeedIso(
  boot: VmBoot,
  host: string,
  images: HostImages | null | undefined,
  domain: string,
): string | undefined {
  if (boot.guestConfig === undefined) return undefined;
  const seedDir = images?.seedDir;
  if (seedDir === undefined) {
    throw new VfleetError(
      'CONFLICT',
      images === null || images === undefined
        ? `host ${host} reports no image store, where its agent writes the cloud-init seed of boot.guestConfig (an agent older than the seed CD-ROM?)`
        : `host ${host}'s agent reports no seed folder, where it writes the cloud-init seed of boot.guestConfig (an agent older than --seed-dir?)`,
      { host, field: 'boot.guestConfig' },
    );
  }
  return seedIsoPath(seedDir, domain);
}
