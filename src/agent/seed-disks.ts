import { VfleetError } from '../core/errors.js';
import { isImageName } from '../core/libvirt/image-names.js';
import { seedIsoPath, type GuestSeed } from '../core/libvirt/seed-disk.js';
import type { SeedIsoStore } from '../core/ports.js';

/**
 * The agent's cloud-init seed CD-ROMs: one ISO per domain, in its seed
 * folder (`--seed-dir`, apart from a possibly read-only image store), where
 * the domain XML the controller rendered expects it (core/libvirt/seed-disk.ts).
 * The path is this agent's own, from its seed folder and the domain's name:
 * the controller only sends the texts.
 */
export interface SeedDisks {
  /** Writes the domain's seed (again only when it changed); before the domain is defined. */
  put(domain: string, seed: GuestSeed): Promise<void>;
  /** Removes it: the domain is gone from this host. */
  drop(domain: string): Promise<void>;
}

/** A domain with a seed on an agent without this: reported failed with the reason. */
export const NO_SEED_DISKS: SeedDisks = {
  put: () =>
    Promise.reject(
      new VfleetError(
        'UNSUPPORTED',
        'this agent has no seed folder (--seed-dir) for the cloud-init seed CD-ROM',
      ),
    ),
  drop: () => Promise.resolve(),
};

export function createSeedDisks(seedDir: string, store: SeedIsoStore): SeedDisks {
  const pathOf = (domain: string) => {
    // vfleet names domains `<instance>-<id8>`; anything else would not stay in the folder.
    const shown = JSON.stringify(domain);
    if (isImageName(domain)) return seedIsoPath(seedDir, domain);
    throw new VfleetError('INVALID_INPUT', `domain name ${shown} is no file name`, {
      field: 'name',
    });
  };
  return {
    async put(domain, seed) {
      await store.ensure(pathOf(domain), {
        'meta-data': seed.metaData,
        'user-data': seed.userData,
        'network-config': seed.networkConfig,
      });
    },
    async drop(domain) {
      if (isImageName(domain)) await store.remove(pathOf(domain));
    },
  };
}
