/**
 * A writer for the cpio "newc" format the Linux kernel unpacks as an
 * initramfs (Documentation/driver-api/early-userspace/buffer-format.rst).
 * Owner root, time 0: the same inputs give the same bytes.
 */

export type CpioEntry =
  | { readonly kind: 'dir'; readonly path: string; readonly mode: number }
  | { readonly kind: 'file'; readonly path: string; readonly mode: number; readonly data: Buffer }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string }
  | {
      readonly kind: 'chardev';
      readonly path: string;
      readonly mode: number;
      readonly major: number;
      readonly minor: number;
    };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;
const TRAILER = 'TRAILER!!!';

const hex8 = (n: number) => n.toString(16).padStart(8, '0');
const pad4 = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);

function header(
  ino: number,
  mode: number,
  nlink: number,
  size: number,
  name: string,
  rdev: [number, number] = [0, 0],
): Buffer {
  const nameBytes = Buffer.from(`${name}\0`);
  const fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev[0], rdev[1], nameBytes.length, 0];
  const head = Buffer.concat([Buffer.from(`070701${fields.map(hex8).join('')}`), nameBytes]);
  return Buffer.concat([head, pad4(head.length)]);
}

/** The archive as a sequence of chunks, ready to be piped into gzip. */
export function* cpioChunks(entries: Iterable<CpioEntry>): Generator<Buffer> {
  let ino = 1;
  for (const e of entries) {
    const name = e.path.replace(/^\/+/, '');
    if (name === '' || name === TRAILER) throw new Error(`bad cpio entry name: "${e.path}"`);
    switch (e.kind) {
      case 'dir':
        yield header(ino++, S_IFDIR | e.mode, 2, 0, name);
        break;
      case 'file':
        yield header(ino++, S_IFREG | e.mode, 1, e.data.length, name);
        yield e.data;
        yield pad4(e.data.length);
        break;
      case 'symlink': {
        const target = Buffer.from(e.target);
        yield header(ino++, S_IFLNK | 0o777, 1, target.length, name);
        yield target;
        yield pad4(target.length);
        break;
      }
      case 'chardev':
        yield header(ino++, S_IFCHR | e.mode, 1, 0, name, [e.major, e.minor]);
        break;
    }
  }
  yield header(0, 0, 1, 0, TRAILER);
}
