/**
 * Names of images in a host's image store (`vfleet agent --image-dir`): a
 * tenant names an image, never a host path. One path component, no `..`, no
 * leading dot or dash (not hidden, not an option), at most 128 characters.
 */
export const IMAGE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const isImageName = (s: unknown): s is string =>
  typeof s === 'string' && IMAGE_NAME_RE.test(s) && !s.includes('..');

/** At most this many images are reported per host (the rest are counted, not listed). */
export const MAX_REPORTED_IMAGES = 1000;

/** An image as its agent reported it. */
export interface HostImage {
  readonly name: string;
  readonly format: 'qcow2' | 'raw';
  readonly sizeBytes: number;
}

/** A host's image store as its agent reported it. */
export interface HostImages {
  /** Absolute path on the host. */
  readonly dir: string;
  /**
   * Absolute path on the host of the folder where the agent writes guests'
   * cloud-init seed ISOs (`--seed-dir`, seed-disk.ts): apart from `dir`,
   * which may be read-only. Absent for an agent without seed support.
   */
  readonly seedDir?: string | undefined;
  readonly images: readonly HostImage[];
  /** Images not listed: over the limit, or refused (a qcow2 with a backing file). */
  readonly omitted: number;
}
