import { chmod, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { VfleetError } from '../core/errors.js';
import type { LabDeps } from './lab-deps.js';
import { labDir } from './lab-deps.js';
import type { LabKernel } from './lab-options.js';

export interface KernelPackage {
  /** Kernel release, the name of its modules folder (`6.1.0-56-amd64`). */
  readonly release: string;
  /** The downloaded `linux-image-<release>-unsigned` .deb. */
  readonly deb: string;
}

/**
 * Metapackages naming each guest kernel, first known wins. Debian 12's
 * default 6.1 has no vDPA core at all; its 6.12 (a bookworm package of its
 * own) has the vDPA core and `vhost_vdpa`, so the lab's simulators can be
 * built for it (sim-modules.ts). Where 6.12 is the default (Debian 13), the
 * second answers for `vdpa`.
 */
const META_PACKAGES: Readonly<Record<LabKernel, readonly string[]>> = {
  stock: ['linux-image-amd64'],
  vdpa: ['linux-image-6.12-amd64', 'linux-image-amd64'],
};

/** Each kernel line keeps its own cache folder: building one never removes the other. */
export const kernelCacheName = (kernel: LabKernel, what: string): string =>
  kernel === 'stock' ? what : `${what}-${kernel}`;

/** The release the distribution's `linux-image-amd64` currently points at. */
export function releaseFromDepends(aptCacheDepends: string): string | null {
  const m = /Depends:\s*linux-image-(\d\S*-amd64)\s*$/m.exec(aptCacheDepends);
  return m?.[1] ?? null;
}

async function candidateRelease(deps: LabDeps, kernel: LabKernel): Promise<string | null> {
  for (const meta of META_PACKAGES[kernel]) {
    try {
      const r = await deps.runner.run('apt-cache', ['depends', meta], { timeoutMs: 60_000 });
      const release = r.exitCode === 0 ? releaseFromDepends(r.stdout) : null;
      if (release !== null) return release;
    } catch (e) {
      if (e instanceof VfleetError && e.code === 'MISSING_DEPENDENCY') return null;
      throw e;
    }
  }
  return null;
}

const debIn = async (dir: string) =>
  (await readdir(dir).catch(() => [] as string[])).find((f) => f.endsWith('.deb'));

/**
 * The Debian kernel package for the guest, downloaded once into the cache
 * (`apt-get download`, so apt's own signature checks apply). The unsigned
 * image carries `vmlinuz` and every module as plain files. Without apt (or
 * offline) a kernel already in the cache is used.
 */
export async function ensureKernelPackage(
  deps: LabDeps,
  kernel: LabKernel = 'stock',
): Promise<KernelPackage> {
  const root = join(labDir(deps), kernelCacheName(kernel, 'kernels'));
  const release = await candidateRelease(deps, kernel);
  if (release === null) {
    const cached = (await readdir(root).catch(() => [] as string[])).sort().reverse();
    for (const r of cached) {
      const deb = await debIn(join(root, r));
      if (deb !== undefined) return { release: r, deb: join(root, r, deb) };
    }
    throw new VfleetError(
      'MISSING_DEPENDENCY',
      `apt knows none of ${META_PACKAGES[kernel].join(', ')}: run "apt-get update" on this Debian host, then "vfleet lab build"`,
      { packages: META_PACKAGES[kernel] },
    );
  }
  const dir = join(root, release);
  const have = await debIn(dir);
  if (have !== undefined) {
    deps.progress({ step: 'kernel', status: 'skipped', detail: `${release} (cached)` });
    return { release, deb: join(dir, have) };
  }
  const pkg = `linux-image-${release}-unsigned`;
  deps.progress({ step: 'kernel', status: 'start', detail: `apt-get download ${pkg}` });
  // Per-builder staging name: several `lab up`s may fetch the kernel at once.
  await mkdir(root, { recursive: true });
  const partial = await mkdtemp(join(root, `${release}.partial-`));
  // mkdtemp makes it private; renamed into place it is the cache folder everyone reads.
  await chmod(partial, 0o755);
  // apt-get download writes into its working folder; env -C sets it without a shell.
  const r = await deps.runner.run('env', ['-C', partial, 'apt-get', 'download', pkg], {
    timeoutMs: 15 * 60_000,
  });
  const deb = await debIn(partial);
  if (r.exitCode !== 0 || deb === undefined) {
    throw new VfleetError('COMMAND_FAILED', `apt-get download ${pkg} failed: ${r.stderr.trim()}`, {
      command: 'apt-get',
      args: ['download', pkg],
    });
  }
  // Only the current kernel is kept: older ones are never picked again while apt works.
  for (const old of await readdir(root)) {
    if (old !== release && !old.includes('.partial-'))
      await rm(join(root, old), { recursive: true, force: true });
  }
  if ((await debIn(dir)) !== undefined) {
    await rm(partial, { recursive: true, force: true });
  } else {
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
  }
  deps.progress({ step: 'kernel', status: 'ok', detail: release });
  return { release, deb: join(dir, deb) };
}
