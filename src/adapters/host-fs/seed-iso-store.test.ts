import { mkdir, mkdtemp, readdir, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecRunner } from '../exec/exec-runner.js';
import { createSeedIsoStore, seedDigest } from './seed-iso-store.js';

/**
 * The seed ISO as a guest's cloud-init reads it: written by the real
 * genisoimage and read back with isoinfo (both Debian's `genisoimage`,
 * which ./scripts/setup installs): the volume label, and each file by its
 * Joliet and its Rock Ridge name.
 */
const runner = createExecRunner({ path: process.env.PATH });
const FILE = '/var/lib/vfleet/seeds/rtr-1a2b3c4d.iso';
const SEED = {
  'meta-data': 'instance-id: 1a2b3c4d\nlocal-hostname: rtr\n',
  'user-data': '#cloud-config\nruncmd:\n  - [sysctl, --system]\n',
  'network-config': 'version: 2\nethernets: {}\n',
};

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vfleet-seed-test-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const isoinfo = async (...args: string[]) => {
  const r = await runner.run('isoinfo', [...args, '-i', join(root, FILE)]);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout;
};

describe('the cidata seed ISO, through genisoimage', () => {
  const store = () => createSeedIsoStore(runner, root);

  it('is a volume labelled cidata with the three NoCloud files, by Joliet and Rock Ridge name', async () => {
    expect(await store().ensure(FILE, SEED)).toBe(true);
    const info = await isoinfo('-d');
    expect(info).toMatch(/^Volume id: cidata$/m);
    expect(info).toContain('Joliet with UCS level 3 found');
    expect(info).toMatch(/Rock Ridge signatures version \d+ found/);
    for (const [name, text] of Object.entries(SEED)) {
      expect(await isoinfo('-J', '-x', `/${name}`)).toBe(text);
      expect(await isoinfo('-R', '-x', `/${name}`)).toBe(text);
    }
    // The folder was made; nothing else is in it: the temporary image was renamed into place.
    expect(await readdir(join(root, '/var/lib/vfleet/seeds'))).toEqual(['rtr-1a2b3c4d.iso']);
  });

  it('is written again only when the seed changed', async () => {
    const s = store();
    await s.ensure(FILE, SEED);
    const first = await stat(join(root, FILE));
    // A fresh store (an agent restarted) reads the digest from the image itself.
    expect(await store().ensure(FILE, { ...SEED })).toBe(false);
    expect((await stat(join(root, FILE))).ino).toBe(first.ino);
    const changed = { ...SEED, 'user-data': '#cloud-config\nruncmd: []\n' };
    expect(await s.ensure(FILE, changed)).toBe(true);
    expect((await stat(join(root, FILE))).ino).not.toBe(first.ino);
    expect(await isoinfo('-J', '-x', '/user-data')).toBe(changed['user-data']);
    expect(await isoinfo('-d')).toContain(`Application id: ${seedDigest(changed)}`);
  });

  it('is removed, and removing it twice is no error', async () => {
    const s = store();
    await s.ensure(FILE, SEED);
    await s.remove(FILE);
    await expect(stat(join(root, FILE))).rejects.toThrow(/ENOENT/);
    await s.remove(FILE);
  });

  it('says which package is missing when genisoimage is not installed', async () => {
    const bare = await mkdtemp(join(tmpdir(), 'vfleet-no-genisoimage-'));
    try {
      const s = createSeedIsoStore(createExecRunner({ path: bare }), root);
      await expect(s.ensure('/elsewhere/x.iso', SEED)).rejects.toMatchObject({
        code: 'MISSING_DEPENDENCY',
        message: expect.stringContaining('(Debian package genisoimage)') as unknown,
        details: { package: 'genisoimage' },
      });
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });

  it('refuses a seed folder that is a link elsewhere', async () => {
    await mkdir(join(root, 'srv'), { recursive: true });
    await mkdir(join(root, 'srv/other'), { recursive: true });
    await symlink(join(root, 'srv/other'), join(root, 'srv/seeds'));
    await expect(store().ensure('/srv/seeds/a.iso', SEED)).rejects.toMatchObject({
      code: 'HOST_WRITE_FAILED',
    });
    expect(await readdir(join(root, 'srv/other'))).toEqual([]);
  });
});
