import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rename,
  rm,
  stat,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { VfleetError } from '../core/errors.js';
import { runChecked } from './checked-run.js';
import { cpioChunks } from '../adapters/initramfs/cpio.js';
import type { GuestFile } from './image-contents.js';
import { BOOT_KERNEL } from './guest/guest-files.js';
import {
  AGENT_FILES,
  BOOT_MODULES,
  EXTRA_MODULES,
  SIM_GUEST_MODULES,
  guestBinaries,
  guestTextFiles,
  imageTree,
} from './image-contents.js';
import type { ImageTree } from './image-tree.js';
import { ensureHostTools } from './host-tools.js';
import type { KernelPackage } from './kernel-package.js';
import { ensureKernelPackage, kernelCacheName } from './kernel-package.js';
import type { LabKernel } from './lab-options.js';
import { selectModules } from './kernel-modules.js';
import { ensureSimModules, kernelModuleNames } from './sim-modules.js';
import type { LabDeps } from './lab-deps.js';
import { labDir } from './lab-deps.js';
import { pathExists } from './path-exists.js';
import { writeBootKernel } from './uncompressed-kernel.js';

/**
 * Bump whenever the code that lays out the image changes (image-contents.ts,
 * image-tree.ts, adapters/initramfs/cpio.ts, this file): the key sees inputs, not this code.
 */
const IMAGE_FORMAT = 5;

export interface LabImage {
  readonly key: string;
  readonly release: string;
  readonly kernel: string;
  readonly initrd: string;
  /** True when the cached image was still current. */
  readonly reused: boolean;
}

async function imageKey(
  kernel: KernelPackage,
  bins: readonly GuestFile[],
  distDir: string,
): Promise<string> {
  const h = createHash('sha256');
  const add = (v: unknown) => h.update(`${JSON.stringify(v)}\n`);
  add({
    IMAGE_FORMAT,
    release: kernel.release,
    deb: kernel.deb.slice(kernel.deb.lastIndexOf('/') + 1),
  });
  add([BOOT_MODULES, EXTRA_MODULES, SIM_GUEST_MODULES]);
  // Programs by size and time (hashing node's 100 MB each time costs more than it saves).
  for (const b of bins) {
    const s = await stat(b.host);
    add([b.host, b.guest, s.size, s.mtimeMs]);
  }
  for (const f of AGENT_FILES) h.update(await readFile(join(distDir, f)));
  add(guestTextFiles());
  return h.digest('hex').slice(0, 16);
}

/**
 * Unpacks the kernel package, adds the simulators built for it (sim-modules.ts),
 * picks the modules the guest needs and runs depmod over just those. Modules
 * are stored uncompressed: busybox's modprobe and insmod in the guest (and in
 * nested guests) need not know the kernel's compression.
 */
async function stageKernel(deps: LabDeps, kernel: KernelPackage, line: LabKernel, work: string) {
  const root = join(work, 'root');
  await runChecked(deps.runner, 'dpkg-deb', ['-x', kernel.deb, root], 10 * 60_000);
  const from = join(root, 'lib', 'modules', kernel.release);
  const read = (f: string) => readFile(join(from, f), 'utf8');
  await runChecked(deps.runner, 'depmod', ['-b', root, kernel.release], 5 * 60_000);
  const sims =
    line === 'vdpa'
      ? await ensureSimModules(
          deps,
          kernel,
          kernelModuleNames(await read('modules.dep'), await read('modules.builtin')),
        )
      : null;
  if (sims !== null && sims.modules.length > 0) {
    const extra = join(from, 'updates', 'vfleet-lab');
    await mkdir(extra, { recursive: true });
    for (const m of sims.modules) await copyFile(join(sims.dir, `${m}.ko`), join(extra, `${m}.ko`));
    await runChecked(deps.runner, 'depmod', ['-b', root, kernel.release], 5 * 60_000);
  }
  const present = kernelModuleNames(await read('modules.dep'), await read('modules.builtin'));
  const sel = selectModules(
    [...BOOT_MODULES, ...EXTRA_MODULES, ...SIM_GUEST_MODULES.filter((m) => present.has(m))],
    await read('modules.dep'),
    await read('modules.builtin'),
  );
  const stage = join(work, 'stage');
  const modulesDir = join(stage, 'lib', 'modules', kernel.release);
  for (const f of [...sel.files, 'modules.builtin', 'modules.builtin.modinfo', 'modules.order']) {
    const dest = join(modulesDir, f);
    await mkdir(dirname(dest), { recursive: true });
    await copyFile(join(from, f), dest);
    if (f.endsWith('.ko.xz')) await runChecked(deps.runner, 'xz', ['-d', dest], 60_000);
  }
  await runChecked(deps.runner, 'depmod', ['-b', stage, kernel.release], 60_000);
  const config = await readFile(join(root, 'boot', `config-${kernel.release}`), 'utf8').catch(
    () => null,
  );
  return { modulesDir, vmlinuz: join(root, 'boot', `vmlinuz-${kernel.release}`), config };
}

async function writeInitrd(tree: ImageTree, path: string): Promise<void> {
  await pipeline(
    Readable.from(cpioChunks(tree.list())),
    createGzip({ level: 6 }),
    createWriteStream(path),
  );
}

/**
 * `lab build`: host tools, the kernel package and the guest image (kernel +
 * initramfs), cached under `<cacheDir>/lab/images/<key>`. The key covers
 * every input, so a second build with nothing changed does nothing.
 */
export async function buildImage(deps: LabDeps, line: LabKernel = 'stock'): Promise<LabImage> {
  await ensureHostTools(deps);
  const distDir = join(deps.installDir, 'dist');
  for (const f of AGENT_FILES) {
    if (!(await pathExists(join(distDir, f)))) {
      throw new VfleetError(
        'MISSING_DEPENDENCY',
        `${join(distDir, f)} is missing: run "npm run build" first`,
        {
          file: join(distDir, f),
        },
      );
    }
  }
  const kernel = await ensureKernelPackage(deps, line);
  const bins = await guestBinaries(deps.runner, deps.nodePath);
  const key = await imageKey(kernel, bins, distDir);
  const imagesDir = join(labDir(deps), kernelCacheName(line, 'images'));
  const dir = join(imagesDir, key);
  const image = {
    key,
    release: kernel.release,
    kernel: join(dir, BOOT_KERNEL),
    initrd: join(dir, 'initrd.img'),
  };
  if ((await pathExists(image.kernel)) && (await pathExists(image.initrd))) {
    deps.progress({ step: 'image', status: 'skipped', detail: `${key} (cached)` });
    return { ...image, reused: true };
  }
  deps.progress({ step: 'image', status: 'start', detail: `kernel ${kernel.release}` });
  // Per-builder staging names: several `lab up`s may build the same image at once.
  await mkdir(imagesDir, { recursive: true });
  const work = await mkdtemp(`${dir}.work-`);
  const partial = await mkdtemp(`${dir}.partial-`);
  // mkdtemp makes it private; renamed into place it is the image folder everyone reads.
  await chmod(partial, 0o755);
  try {
    const staged = await stageKernel(deps, kernel, line, work);
    const tree = await imageTree({
      runner: deps.runner,
      binaries: bins,
      distDir,
      ...staged,
      release: kernel.release,
    });
    const how = await writeBootKernel(
      deps.runner,
      staged.vmlinuz,
      staged.config,
      join(partial, BOOT_KERNEL),
    );
    deps.progress({ step: 'image', status: 'info', detail: `kernel ${how}` });
    await writeInitrd(tree, join(partial, 'initrd.img'));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  // QEMU reads kernel and initrd at start-up, so running labs do not need the
  // old files; folders still being built (by another builder) stay.
  for (const old of await readdir(imagesDir)) {
    if (!old.startsWith(key) && !old.includes('.'))
      await rm(join(imagesDir, old), { recursive: true, force: true });
  }
  if (await pathExists(image.initrd)) {
    // Another builder finished the same image first: theirs is as good as ours.
    await rm(partial, { recursive: true, force: true });
    return { ...image, reused: true };
  }
  await rename(partial, dir);
  deps.progress({ step: 'image', status: 'ok', detail: key });
  return { ...image, reused: false };
}
