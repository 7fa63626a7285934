import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { VfleetError } from '../../core/errors.js';
import type { FileStat, ImageFs } from '../../core/ports.js';

const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'EINVAL']);
const errno = (e: unknown): string => String((e as { code?: unknown }).code);

/** ImageFs over the real file system, rooted at `root` like createNodeHostFs. */
export function createNodeImageFs(root: string): ImageFs {
  const base = resolve(root);
  const at = (p: string) => {
    if (!p.startsWith('/')) throw new VfleetError('INTERNAL', `host path must be absolute: ${p}`);
    return join(base, p);
  };
  const orNull = async <T>(p: string, f: (full: string) => Promise<T>): Promise<T | null> => {
    try {
      return await f(at(p));
    } catch (e) {
      if (ABSENT.has(errno(e))) return null;
      throw new VfleetError('HOST_READ_FAILED', `cannot read ${p}: ${(e as Error).message}`, {
        path: p,
      });
    }
  };
  return {
    listDir: (p) => orNull(p, async (full) => (await readdir(full)).sort()),
    lstat: (p) =>
      orNull(p, async (full): Promise<FileStat> => {
        const s = await lstat(full);
        const kind = s.isSymbolicLink()
          ? 'symlink'
          : s.isFile()
            ? 'file'
            : s.isDirectory()
              ? 'directory'
              : s.isBlockDevice()
                ? 'block-device'
                : 'other';
        return { kind, sizeBytes: s.size };
      }),
    readLink: (p) => orNull(p, (full) => readlink(full)),
    readHead: (p, bytes) =>
      orNull(p, async (full) => {
        const fh = await open(full, 'r');
        try {
          const buf = new Uint8Array(bytes);
          const { bytesRead } = await fh.read(buf, 0, bytes, 0);
          return buf.subarray(0, bytesRead);
        } finally {
          await fh.close();
        }
      }),
  };
}
