import { describe, expect, it } from 'vitest';
import { cpioChunks } from './cpio.js';

interface Parsed {
  name: string;
  mode: number;
  rdev: [number, number];
  data: Buffer;
  offset: number;
}

/** An independent newc reader (the kernel's rules: 110-byte header, name and data padded to 4). */
function parseNewc(buf: Buffer): Parsed[] {
  const out: Parsed[] = [];
  let off = 0;
  for (;;) {
    const head = buf.subarray(off, off + 110).toString('ascii');
    expect(head.slice(0, 6)).toBe('070701');
    const field = (i: number) => Number.parseInt(head.slice(6 + i * 8, 14 + i * 8), 16);
    const nameSize = field(11);
    const size = field(6);
    const name = buf.subarray(off + 110, off + 110 + nameSize - 1).toString();
    const dataAt = Math.ceil((off + 110 + nameSize) / 4) * 4;
    out.push({
      name,
      mode: field(1),
      rdev: [field(9), field(10)],
      data: buf.subarray(dataAt, dataAt + size),
      offset: off,
    });
    off = Math.ceil((dataAt + size) / 4) * 4;
    if (name === 'TRAILER!!!') return out;
  }
}

describe('cpio newc writer', () => {
  it('writes entries the kernel can read back, 4-byte aligned, ending with the trailer', () => {
    const buf = Buffer.concat([
      ...cpioChunks([
        { kind: 'dir', path: '/etc', mode: 0o755 },
        { kind: 'file', path: '/etc/hostname', mode: 0o644, data: Buffer.from('lab\n') },
        { kind: 'file', path: '/init', mode: 0o755, data: Buffer.from('#!/bin/sh\n') },
        { kind: 'symlink', path: '/bin', target: 'usr/bin' },
        { kind: 'chardev', path: '/dev/console', mode: 0o600, major: 5, minor: 1 },
      ]),
    ]);
    const entries = parseNewc(buf);
    expect(entries.map((e) => e.name)).toEqual([
      'etc',
      'etc/hostname',
      'init',
      'bin',
      'dev/console',
      'TRAILER!!!',
    ]);
    expect(entries.every((e) => e.offset % 4 === 0)).toBe(true);
    expect(buf.length % 4).toBe(0);
    const [dir, host, init, link, cons] = entries;
    expect(dir?.mode).toBe(0o040755);
    expect(host?.data.toString()).toBe('lab\n');
    expect(init?.mode).toBe(0o100755);
    expect(link?.mode).toBe(0o120777);
    expect(link?.data.toString()).toBe('usr/bin');
    expect(cons?.mode).toBe(0o020600);
    expect(cons?.rdev).toEqual([5, 1]);
  });

  it('rejects a name that would end the archive early', () => {
    expect(() => [...cpioChunks([{ kind: 'dir', path: 'TRAILER!!!', mode: 0o755 }])]).toThrow();
  });
});
