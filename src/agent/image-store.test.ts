import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeImageFs } from '../adapters/host-fs/node-image-fs.js';
import type { FileStat, ImageFs } from '../core/ports.js';
import { QCOW2_HEAD } from '../testing/vm-fleet.js';
import {
  imageFileProblem,
  listImages,
  resolveInRoot,
  seedFileProblem,
  type ImageStore,
} from './image-store.js';

/** An image store below a fixture host root, with every way out of it. */
let root = '';
let store: ImageStore;
const DIR = '/var/lib/vfleet/images';
const SEEDS = '/var/lib/vfleet/seeds';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vfleet-images-'));
  const d = join(root, 'srv/images');
  await mkdir(d, { recursive: true });
  await mkdir(join(root, 'var/lib/vfleet'), { recursive: true });
  // The image directory itself may be a link (to bigger storage).
  await symlink('/srv/images', join(root, DIR));
  await writeFile(join(d, 'web.qcow2'), QCOW2_HEAD);
  await writeFile(join(d, 'data.img'), Buffer.alloc(4096, 7));
  const backed = Uint8Array.from(QCOW2_HEAD);
  backed[15] = 0x70; // backing_file_offset 0x70
  await writeFile(join(d, 'backed.qcow2'), backed);
  await symlink('web.qcow2', join(d, 'alias.qcow2'));
  await mkdir(join(root, 'etc'), { recursive: true });
  await writeFile(join(root, 'etc/shadow'), 'root:*:1::::::\n');
  await symlink('/etc/shadow', join(d, 'shadow'));
  await symlink('../../etc/shadow', join(d, 'relative-out'));
  await mkdir(join(d, 'sub'));
  await writeFile(join(d, '.hidden'), 'x');
  // The seed folder, apart from the images: a seed, and a link from it into the image store.
  await mkdir(join(root, SEEDS));
  await writeFile(join(root, SEEDS, 'rtr-1.iso'), 'an ISO');
  await symlink(`${DIR}/web.qcow2`, join(root, SEEDS, 'rtr-2.iso'));
  store = { dir: DIR, fs: createNodeImageFs(root) };
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('image store', () => {
  it('reports usable images by name with the format read from their header', async () => {
    expect(await listImages(store)).toEqual({
      dir: DIR,
      images: [
        { name: 'alias.qcow2', format: 'qcow2', sizeBytes: QCOW2_HEAD.length },
        { name: 'data.img', format: 'raw', sizeBytes: 4096 },
        { name: 'web.qcow2', format: 'qcow2', sizeBytes: QCOW2_HEAD.length },
      ],
      // backed.qcow2, shadow, relative-out, sub
      omitted: 4,
    });
  });

  it('reports the seed folder beside the images, when the agent has one (--seed-dir)', async () => {
    const withSeeds = await listImages({ ...store, seedDir: SEEDS });
    expect(withSeeds).toMatchObject({ dir: DIR, seedDir: SEEDS, omitted: 4 });
    // The seeds are never listed as images.
    expect(withSeeds.images.map((i) => i.name)).toEqual(['alias.qcow2', 'data.img', 'web.qcow2']);
    expect(await listImages(store)).not.toHaveProperty('seedDir');
  });

  it.each([
    [`${SEEDS}/rtr-1.iso`, null],
    [`${SEEDS}/rtr-2.iso`, /resolves to \/srv\/images\/web.qcow2, outside the seed folder/],
    [`${DIR}/web.qcow2`, /outside the seed folder/],
    [`${SEEDS}/rtr-3.iso`, /does not exist/],
  ])('seed CD-ROM %s', async (file, why) => {
    const got = await seedFileProblem({ ...store, seedDir: SEEDS }, file);
    if (why === null) expect(got).toBeNull();
    else expect(got).toMatch(why);
    expect(await seedFileProblem(store, file)).toMatch(/no seed folder \(--seed-dir\)/);
  });

  it.each([
    [`${DIR}/web.qcow2`, null],
    [`${DIR}/alias.qcow2`, null],
    [`${DIR}/shadow`, /resolves to \/etc\/shadow, outside the image directory/],
    [`${DIR}/relative-out`, /outside the image directory/],
    [`${DIR}/../../../etc/shadow`, /outside the image directory/],
    ['/etc/shadow', /outside the image directory/],
    [`${DIR}/backed.qcow2`, /a qcow2 with a backing file/],
    [`${DIR}/sub`, /not a regular file \(directory\)/],
    [`${DIR}/nothing`, /does not exist/],
  ])('%s', async (file, why) => {
    const got = await imageFileProblem(store, file);
    if (why === null) expect(got).toBeNull();
    else expect(got).toMatch(why);
  });

  it('refuses a block device in the image directory', async () => {
    const stat = (kind: FileStat['kind']): FileStat => ({ kind, sizeBytes: 0 });
    const fs: ImageFs = {
      listDir: () => Promise.resolve(['sda']),
      lstat: (p) => Promise.resolve(p === '/images/sda' ? stat('block-device') : stat('directory')),
      readLink: () => Promise.resolve(null),
      readHead: () => Promise.reject(new Error('a device is never read')),
    };
    const dev = { dir: '/images', fs };
    expect(await imageFileProblem(dev, '/images/sda')).toMatch(
      /not a regular file \(block-device\)/,
    );
    expect(await listImages(dev)).toEqual({ dir: '/images', images: [], omitted: 1 });
  });

  it('gives up on a link loop', async () => {
    const fs: ImageFs = {
      listDir: () => Promise.resolve([]),
      lstat: () => Promise.resolve({ kind: 'symlink', sizeBytes: 0 }),
      readLink: () => Promise.resolve('/loop'),
      readHead: () => Promise.resolve(null),
    };
    expect(await resolveInRoot(fs, '/loop')).toBeNull();
  });
});
