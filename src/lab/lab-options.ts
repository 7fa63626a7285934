import { z } from 'zod';
import { parseInput } from '../core/validation.js';
import { FORWARD_HOSTS } from './guest/guest-files.js';

export const LAB_NUMA_NODES = [1, 2] as const;
export const LAB_IOMMU_MODES = ['on', 'off'] as const;
/** igb's SR-IOV capability says 7 VFs; QEMU cannot change it, so --vfs-max cannot exceed 7. */
export const IGB_TOTAL_VFS = 7;
export const DEFAULT_LAB_NAME = 'default';
/**
 * The guest kernel: `stock`, the one Debian's `linux-image-amd64` names (6.1
 * on Debian 12), which the lab proves SR-IOV on; `vdpa`, Debian's 6.12 (the
 * first with a vDPA core) with the kernel's simulators netdevsim and
 * vdpa_sim_net built for it (sim-modules.ts), for switchdev and vDPA.
 */
export const LAB_KERNELS = ['stock', 'vdpa'] as const;
export type LabKernel = (typeof LAB_KERNELS)[number];

const wholeNumber = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const labNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,23}$/, 'use 1-24 lower-case letters, digits or dashes');

/**
 * One host TCP port the guest may reach (e.g. `vfleet up --lab`'s controller):
 * the guest connects to GUEST_FORWARD.server:port, QEMU relays to host:port.
 */
const forwardSchema = z
  .object({ host: z.enum(FORWARD_HOSTS), port: wholeNumber(1, 65535) })
  .strict();

/**
 * The migration link to one other lab guest: this guest's number on it (its
 * address 169.254.76.N) and the two host loopback UDP ports its QEMU and the
 * peer's exchange datagrams on.
 */
const linkSchema = z
  .object({
    index: wholeNumber(1, 254),
    localPort: wholeNumber(1024, 65535),
    remotePort: wholeNumber(1024, 65535),
  })
  .strict()
  .refine((l) => l.localPort !== l.remotePort, {
    message: 'localPort and remotePort must differ',
  });

const upSchema = z.object({
  name: labNameSchema.default(DEFAULT_LAB_NAME),
  pfs: wholeNumber(1, 8).default(2),
  vfsMax: wholeNumber(1, IGB_TOTAL_VFS).optional(),
  numa: z.coerce.number().pipe(z.literal(LAB_NUMA_NODES)).default(1),
  iommu: z.enum(LAB_IOMMU_MODES).default('on'),
  memory: wholeNumber(512, 65536).default(1024),
  forward: forwardSchema.optional(),
  /**
   * A host directory of disk images, shared read-only with the guest under
   * the 9p tag SHARE_TAGS.images (`vfleet up --lab` mounts it where the
   * guest's agent looks for images): a user's image reaches every lab host.
   */
  imageDir: z.string().startsWith('/').optional(),
  /**
   * libvirt in the guest: the host's /usr shared read-only, its libvirtd
   * started at boot with QEMU (software emulation) as its hypervisor, so
   * vfleet's virsh driver runs against a real daemon with real VFs.
   */
  libvirt: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
    .default(false),
  link: linkSchema.optional(),
  kernel: z.enum(LAB_KERNELS).default('stock'),
});

export type LabUpOptions = z.output<typeof upSchema>;
/** Typed values, or the strings a command line gives; parseUpOptions checks both. */
export type LabUpInput = {
  readonly [K in keyof LabUpOptions]?: LabUpOptions[K] | string | undefined;
};

/** Validates `lab up` options; unknown or bad values fail with INVALID_INPUT naming the field. */
export function parseUpOptions(input: unknown): LabUpOptions {
  return parseInput(upSchema, input ?? {}, 'lab up');
}

export function parseLabName(input: unknown): string {
  return parseInput(labNameSchema.default(DEFAULT_LAB_NAME), input, 'lab name');
}
