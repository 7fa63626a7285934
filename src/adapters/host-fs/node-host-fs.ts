import { constants, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import {
  access,
  mkdir,
  open,
  readFile,
  readdir,
  readlink,
  rename,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { HostFs } from '../../core/ports.js';
import { VfleetError } from '../../core/errors.js';

const isCode = (e: unknown, ...codes: string[]) =>
  typeof e === 'object' && e !== null && codes.includes(String((e as { code?: unknown }).code));

/**
 * Reads are synchronous on purpose: sysfs and procfs attributes are values
 * in kernel memory, and a scan makes thousands of tiny reads; going through
 * libuv's thread pool made `host scan` 2.5x slower (bench/results.json).
 *
 * HostFs over the real file system, rooted at `root` (`/` on a live host, a
 * fixture folder in tests). Every path vfleet reads or writes goes through
 * here, so `--host-root` points all of vfleet at another host image.
 */
export function createNodeHostFs(root: string): HostFs {
  const base = resolve(root);
  const at = (p: string) => {
    if (!p.startsWith('/')) throw new VfleetError('INTERNAL', `host path must be absolute: ${p}`);
    return join(base, p);
  };
  const readFailed = (p: string, e: unknown) =>
    new VfleetError('HOST_READ_FAILED', `cannot read ${p}: ${(e as Error).message}`, { path: p });

  return {
    async readText(p) {
      try {
        return readFileSync(at(p), 'utf8');
      } catch (e) {
        // ENODEV/EINVAL/EIO: sysfs attributes that exist but cannot be read on this device.
        if (isCode(e, 'ENOENT', 'ENOTDIR', 'ENODEV', 'EINVAL', 'EIO', 'EOPNOTSUPP')) return null;
        if (isCode(e, 'EISDIR')) throw readFailed(p, e);
        throw readFailed(p, e);
      }
    },
    async listDir(p) {
      try {
        return readdirSync(at(p)).sort();
      } catch (e) {
        if (isCode(e, 'ENOENT', 'ENOTDIR')) return null;
        throw readFailed(p, e);
      }
    },
    async readLink(p) {
      try {
        return readlinkSync(at(p));
      } catch (e) {
        if (isCode(e, 'ENOENT', 'ENOTDIR', 'EINVAL')) return null;
        throw readFailed(p, e);
      }
    },
    async exists(p) {
      try {
        await access(at(p), constants.F_OK);
        return true;
      } catch {
        return false;
      }
    },
    async writeText(p, text) {
      // sysfs attributes want one write(2) of the whole value, no truncate games.
      let fh;
      try {
        fh = await open(at(p), 'w');
        await fh.write(text);
      } catch (e) {
        throw new VfleetError(
          'HOST_WRITE_FAILED',
          `cannot write "${text.trim()}" to ${p}: ${(e as Error).message}`,
          {
            path: p,
            errno: (e as { code?: unknown }).code,
          },
        );
      } finally {
        await fh?.close().catch(() => undefined);
      }
    },
    async writeFileAtomic(p, text, mode = 0o644) {
      const target = at(p);
      const tmp = `${target}.tmp-${process.pid}`;
      try {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(tmp, text, { mode });
        await rename(tmp, target);
      } catch (e) {
        throw new VfleetError('HOST_WRITE_FAILED', `cannot write ${p}: ${(e as Error).message}`, {
          path: p,
        });
      }
    },
  };
}
