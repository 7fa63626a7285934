import { resolve } from 'node:path';
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
