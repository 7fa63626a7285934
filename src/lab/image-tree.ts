import type { CpioEntry } from '../adapters/initramfs/cpio.js';

/**
 * The guest's file tree before it becomes an initramfs. The guest is laid out
 * merged-/usr like Debian 12 (`/bin` -> `usr/bin`, ...), so a host path that
 * `ldd` names under `/lib` or `/lib64` lands where the loader looks for it.
 */
const MERGED = ['bin', 'sbin', 'lib', 'lib64'] as const;

export function guestPath(path: string): string {
  const clean = `/${path.split('/').filter(Boolean).join('/')}`;
  for (const top of MERGED) {
    if (clean === `/${top}` || clean.startsWith(`/${top}/`)) return `/usr${clean}`;
  }
  return clean;
}

export class ImageTree {
  private readonly entries = new Map<string, CpioEntry>();

  constructor() {
    for (const top of MERGED) this.put({ kind: 'symlink', path: `/${top}`, target: `usr/${top}` });
  }

  dir(path: string, mode = 0o755): this {
    const p = guestPath(path);
    const existing = this.entries.get(p);
    if (existing !== undefined && existing.kind !== 'dir') {
      throw new Error(`${p} is already in the image as a ${existing.kind}`);
    }
    return this.put({ kind: 'dir', path: p, mode });
  }

  file(path: string, data: Buffer | string, mode = 0o644): this {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    return this.put({ kind: 'file', path: guestPath(path), mode, data: buf });
  }

  symlink(path: string, target: string): this {
    return this.put({ kind: 'symlink', path: guestPath(path), target });
  }

  chardev(path: string, major: number, minor: number, mode = 0o600): this {
    return this.put({ kind: 'chardev', path: guestPath(path), mode, major, minor });
  }

  has(path: string): boolean {
    return this.entries.has(guestPath(path));
  }

  /** Parents before children, in a stable order. */
  list(): CpioEntry[] {
    return [...this.entries.values()].sort((a, b) =>
      a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
    );
  }

  private put(entry: CpioEntry): this {
    const parent = entry.path.slice(0, entry.path.lastIndexOf('/'));
    if (parent !== '' && !this.entries.has(parent)) this.dir(parent);
    this.entries.set(entry.path, entry);
    return this;
  }
}
