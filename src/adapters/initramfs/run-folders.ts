import { chmod, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunFolders } from '../../core/datapath/guest-image.js';
import { VfleetError } from '../../core/errors.js';

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function folder(root: string, name: string): string {
  if (!SAFE_NAME.test(name))
    throw new VfleetError('INVALID_INPUT', `"${name}" is not a folder name`, { field: 'name' });
  return join(root, name);
}

/**
 * Run folders under `root` (the composition root picks it: /run/vfleet on a
 * host, a temporary folder in tests). 0755: QEMU runs as its own user on
 * Debian and must reach the files libvirt labels for it.
 */
export function createRunFolders(root: string): RunFolders {
  return {
    async make(name) {
      const dir = folder(root, name);
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true, mode: 0o755 });
      // mkdir's mode is cut by the umask; the folders above are left as they are.
      await chmod(dir, 0o755);
      return dir;
    },
    async remove(name) {
      await rm(folder(root, name), { recursive: true, force: true });
    },
  };
}
