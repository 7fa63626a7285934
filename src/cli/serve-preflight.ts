import { posix, resolve } from 'node:path';
import type { Command } from 'commander';
import { VfleetError } from '../core/errors.js';
import type { CliDeps } from './cli-deps.js';

/**
 * An --image-dir given on the command line must be a folder under the host
 * root, told before anything starts; the default may be missing (a host
 * without images yet).
 */
export async function checkImageDir(
  deps: CliDeps,
  o: { readonly imageDir: string; readonly hostRoot: string },
  cmd: Command,
): Promise<void> {
  if (cmd.getOptionValueSource('imageDir') !== 'cli') return;
  if ((await deps.hostFs(o.hostRoot).listDir(o.imageDir)) !== null) return;
  const under = resolve(o.hostRoot) === '/' ? '' : ` under --host-root ${o.hostRoot}`;
  throw new VfleetError(
    'INVALID_INPUT',
    `--image-dir: ${o.imageDir} is not a folder${under}; create it, or leave the option out for the default`,
    { field: 'image-dir' },
  );
}

/**
 * The agent's seed folder (--seed-dir) must be apart from its image store:
 * every file in the image store is listed as an image a tenant can name as a
 * disk, so a guest could boot another guest's seed (its network and keys).
 * A hidden (dot) folder inside it is fine: no image name starts with a dot.
 * Told before anything starts, for the defaults too.
 */
export function checkSeedDir(o: { readonly imageDir: string; readonly seedDir: string }): void {
  const refuse = (why: string) =>
    new VfleetError('INVALID_INPUT', `--seed-dir: ${o.seedDir} ${why}`, { field: 'seed-dir' });
  if (!o.seedDir.startsWith('/')) throw refuse('is not an absolute path');
  const rel = posix.relative(posix.resolve('/', o.imageDir), posix.resolve(o.seedDir));
  const inside = rel !== '..' && !rel.startsWith('../');
  if (rel !== '' && (!inside || rel.startsWith('.'))) return;
  throw refuse(
    `is ${rel === '' ? 'the image store' : 'inside the image store'} (--image-dir ${o.imageDir}), ` +
      'whose files are listed as images a tenant can name as a disk; ' +
      'choose a folder outside it, or a hidden (dot) folder in it',
  );
}
