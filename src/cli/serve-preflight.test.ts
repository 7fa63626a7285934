import { describe, expect, it } from 'vitest';
import { checkSeedDir } from './serve-preflight.js';

/**
 * `--seed-dir` apart from `--image-dir`: every file of the image store is
 * listed as an image a tenant can name as a disk, so a seed there could be
 * booted by another guest; a hidden folder in it is never listed.
 */
const IMAGES = '/var/lib/vfleet/images';
const check =
  (seedDir: string, imageDir = IMAGES) =>
  () => {
    checkSeedDir({ imageDir, seedDir });
  };

describe('--seed-dir', () => {
  it.each([
    ['the default, beside the images', '/var/lib/vfleet/seeds'],
    ['a hidden folder in the image store', `${IMAGES}/.cidata`],
    ['a hidden folder deeper in it', `${IMAGES}/.vfleet/seeds`],
    ['a folder above the image store', '/var/lib/vfleet'],
    ['a name that only starts like it', `${IMAGES}-seeds`],
  ])('takes %s', (_what, dir) => {
    expect(check(dir)).not.toThrow();
  });

  it.each([
    ['the image store itself', IMAGES],
    ['the image store, written otherwise', `${IMAGES}//./`],
    ['a folder in it', `${IMAGES}/seeds`],
    ['a folder in a folder in it', `${IMAGES}/seeds/.hidden`],
    ['a hidden name that leads back into it', `${IMAGES}/.x/../seeds`],
  ])('refuses %s, naming the field', (_what, dir) => {
    let thrown: unknown;
    try {
      check(dir)();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'seed-dir' } });
    expect((thrown as Error).message).toMatch(
      /^--seed-dir: .* is (the|inside the) image store \(--image-dir \/var\/lib\/vfleet\/images\), whose files are listed as images a tenant can name as a disk/,
    );
  });

  it('refuses a relative path, and takes the root-relative image dir as the host sees it', () => {
    expect(check('seeds')).toThrow(/--seed-dir: seeds is not an absolute path/);
    expect(check('/images/s', 'images')).toThrow(/inside the image store/);
  });
});
