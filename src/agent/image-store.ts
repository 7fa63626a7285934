import { IMAGE_HEADER_BYTES, readImageFormat } from '../core/libvirt/image-format.js';
import {
  isImageName,
  MAX_REPORTED_IMAGES,
  type HostImage,
  type HostImages,
} from '../core/libvirt/image-names.js';
import type { ImageFs } from '../core/ports.js';

/** The agent's image store: a directory of disk images, by name (`--image-dir`). */
export interface ImageStore {
  readonly dir: string;
  readonly fs: ImageFs;
  /**
   * Where the agent writes guests' cloud-init seed ISOs (`--seed-dir`),
   * reported with the images so the controller renders the seed CD-ROM
   * there; apart from `dir`, which may be read-only. Absent: no seeds.
   */
  readonly seedDir?: string;
}

const MAX_LINKS = 40;

/**
 * `path` with every symlink resolved inside the host root (an absolute link
 * target starts again at the root, as for a process chrooted there); null
 * when a component is missing or links loop.
 */
export async function resolveInRoot(fs: ImageFs, path: string): Promise<string | null> {
  let todo = path.split('/').filter((s) => s !== '');
  const done: string[] = [];
  let links = 0;
  while (todo.length > 0) {
    const [part, ...rest] = todo;
    todo = rest;
    if (part === undefined || part === '.') continue;
    if (part === '..') {
      done.pop();
      continue;
    }
    const at = `/${[...done, part].join('/')}`;
    const st = await fs.lstat(at);
    if (st === null) return null;
    if (st.kind !== 'symlink') {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) return null;
    const target = await fs.readLink(at);
    if (target === null) return null;
    if (target.startsWith('/')) done.length = 0;
    todo = [...target.split('/').filter((s) => s !== ''), ...todo];
  }
  return `/${done.join('/')}`;
}

/** `file` once every link is resolved, a regular file inside `folder` (its `what`); else why not. */
async function regularFileIn(
  fs: ImageFs,
  folder: string,
  what: string,
  file: string,
): Promise<{ readonly real: string } | { readonly problem: string }> {
  const dir = await resolveInRoot(fs, folder);
  if (dir === null) return { problem: `the ${what} ${folder} does not exist` };
  const real = await resolveInRoot(fs, file);
  if (real === null) return { problem: `${file} does not exist` };
  if (!real.startsWith(`${dir.replace(/\/+$/, '')}/`))
    return { problem: `${file} resolves to ${real}, outside the ${what} ${folder}` };
  const st = await fs.lstat(real);
  if (st?.kind !== 'file')
    return { problem: `${file} is not a regular file (${st?.kind ?? 'absent'})` };
  return { real };
}

/**
 * Why the image at `file` must not be given to a guest, or null: it must be
 * a regular file inside the image directory once every link is resolved (no
 * link out to /etc/shadow or /dev/sda), and not a qcow2 naming another file.
 */
export async function imageFileProblem(store: ImageStore, file: string): Promise<string | null> {
  const found = await regularFileIn(store.fs, store.dir, 'image directory', file);
  if ('problem' in found) return found.problem;
  const head = await store.fs.readHead(found.real, IMAGE_HEADER_BYTES);
  const reading = readImageFormat(head ?? new Uint8Array());
  return 'refused' in reading ? `${file} is ${reading.refused}` : null;
}

/**
 * Why the seed CD-ROM at `file` must not be given to a guest, or null: a
 * regular file inside the seed folder once every link is resolved (the
 * agent wrote it there just before; a link planted since must not lead out).
 */
export async function seedFileProblem(store: ImageStore, file: string): Promise<string | null> {
  if (store.seedDir === undefined) return `${file}: this agent has no seed folder (--seed-dir)`;
  const found = await regularFileIn(store.fs, store.seedDir, 'seed folder', file);
  return 'problem' in found ? found.problem : null;
}

/** What the agent reports: the usable images, by name, at most MAX_REPORTED_IMAGES. */
export async function listImages(store: ImageStore): Promise<HostImages> {
  // Listed where its links lead inside the host root (the OS would follow them from its own root).
  const real = await resolveInRoot(store.fs, store.dir);
  const listed = real === null ? null : await store.fs.listDir(real);
  const names = (listed ?? []).filter(isImageName).sort();
  const images: HostImage[] = [];
  let omitted = 0;
  for (const name of names) {
    const file = `${store.dir.replace(/\/+$/, '')}/${name}`;
    const found =
      images.length < MAX_REPORTED_IMAGES && (await imageFileProblem(store, file)) === null
        ? await describe(store.fs, file, name)
        : null;
    if (found === null) omitted++;
    else images.push(found);
  }
  return {
    dir: store.dir,
    ...(store.seedDir === undefined ? {} : { seedDir: store.seedDir }),
    images,
    omitted,
  };
}

async function describe(fs: ImageFs, file: string, name: string): Promise<HostImage | null> {
  const real = await resolveInRoot(fs, file);
  const st = real === null ? null : await fs.lstat(real);
  if (real === null || st === null) return null;
  const reading = readImageFormat(
    (await fs.readHead(real, IMAGE_HEADER_BYTES)) ?? new Uint8Array(),
  );
  return 'refused' in reading ? null : { name, format: reading.format, sizeBytes: st.sizeBytes };
}
