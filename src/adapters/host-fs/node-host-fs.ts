import { constants, existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { HostFs } from '../../core/ports.js';
import { VfleetError } from '../../core/errors.js';

const errno = (e: unknown): string => String((e as { code?: unknown }).code);

// Absent files and attributes a device cannot report (ENODEV/EINVAL/EIO, e.g.
// `speed` on a down link) read as null; anything else is a real failure.
const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'ENODEV', 'EINVAL', 'EIO', 'EOPNOTSUPP']);

/**
 * HostFs over the real file system, rooted at `root` (`/` on a live host, a
 * fixture folder in tests). Every path vfleet reads or writes goes through
 * here, so `--host-root` points all of vfleet at another host image.
 *
 * Reads are synchronous on purpose: sysfs and procfs attributes are values
 * in kernel memory, and a scan makes thousands of tiny reads; going through
 * libuv's thread pool made `host scan` 2.5x slower (see bench/results.json).
 */
export function createNodeHostFs(root: string): HostFs {
  const base = resolve(root);
  const at = (p: string) => {
    if (!p.startsWith('/')) throw new VfleetError('INTERNAL', `host path must be absolute: ${p}`);
    return join(base, p);
  };
  const readFailed = (p: string, e: unknown) =>
    new VfleetError('HOST_READ_FAILED', `cannot read ${p}: ${(e as Error).message}`, { path: p });
  const read = <T>(
    p: string,
    fn: (full: string) => T,
    absent: ReadonlySet<string>,
  ): Promise<T | null> => {
    try {
      return Promise.resolve(fn(at(p)));
    } catch (e) {
      if (absent.has(errno(e))) return Promise.resolve(null);
      return Promise.reject(readFailed(p, e));
    }
  };

  return {
    readText: (p) => read(p, (full) => readFileSync(full, 'utf8'), ABSENT),
    listDir: (p) => read(p, (full) => readdirSync(full).sort(), ABSENT),
    readLink: (p) => read(p, (full) => readlinkSync(full), ABSENT),
    exists: (p) => Promise.resolve(existsSync(at(p))),
    async writeText(p, text) {
      // sysfs attributes want the whole value in one write(2).
      let fh;
      try {
        fh = await open(at(p), constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC);
        await fh.write(text);
      } catch (e) {
        throw new VfleetError(
          'HOST_WRITE_FAILED',
          `cannot write "${text.trim()}" to ${p}: ${(e as Error).message}`,
          {
            path: p,
            errno: errno(e),
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
