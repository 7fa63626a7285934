import { execFile } from 'node:child_process';
import {
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InitramfsFile } from '../../core/datapath/guest-image.js';
import { createGuestImageWriter } from './guest-image-writer.js';

const writer = createGuestImageWriter();
let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vfleet-initramfs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A 64-bit little-endian ELF executable: a PT_LOAD, then a PT_INTERP when asked. */
function craftElf(opts: { interp?: string; elfClass?: number; interpAt?: number } = {}): Buffer {
  const interp = opts.interp === undefined ? null : Buffer.from(`${opts.interp}\0`);
  const phnum = interp === null ? 1 : 2;
  const head = Buffer.alloc(64 + phnum * 56);
  Buffer.from('\x7fELF', 'latin1').copy(head);
  head[4] = opts.elfClass ?? 2;
  head[5] = 1;
  head[6] = 1;
  head.writeUInt16LE(2, 0x10); // ET_EXEC
  head.writeUInt16LE(62, 0x12); // EM_X86_64
  head.writeBigUInt64LE(64n, 0x20);
  head.writeUInt16LE(56, 0x36);
  head.writeUInt16LE(phnum, 0x38);
  head.writeUInt32LE(1, 64); // PT_LOAD
  if (interp !== null) {
    head.writeUInt32LE(3, 120);
    head.writeBigUInt64LE(BigInt(opts.interpAt ?? head.length), 120 + 0x08);
    head.writeBigUInt64LE(BigInt(interp.length), 120 + 0x20);
  }
  return Buffer.concat([head, interp ?? Buffer.alloc(0)]);
}

async function fileWith(name: string, data: Buffer | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
}

describe('interpreterOf', () => {
  it("names a dynamic executable's loader, from the host and from a crafted file", async () => {
    expect(await writer.interpreterOf('/usr/bin/env')).toMatch(/\/ld-/);
    const musl = await fileWith('musl', craftElf({ interp: '/lib/ld-musl-x86_64.so.1' }));
    expect(await writer.interpreterOf(musl)).toBe('/lib/ld-musl-x86_64.so.1');
  });

  it('answers null for a static executable', async () => {
    expect(await writer.interpreterOf(await fileWith('static', craftElf()))).toBeNull();
  });

  it('refuses what is not a 64-bit little-endian ELF file, naming it', async () => {
    const cases = [
      await fileWith('script', '#!/bin/sh\necho hi\n'),
      await fileWith('empty', ''),
      await fileWith('elf32', craftElf({ elfClass: 1 })),
      await fileWith('cut', craftElf({ interp: '/lib/ld.so', interpAt: 4096 })),
      dir,
    ];
    for (const path of cases) {
      await expect(writer.interpreterOf(path)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        details: { path },
      });
    }
  });

  it('reports a missing file as a missing dependency', async () => {
    const path = join(dir, 'nope');
    await expect(writer.interpreterOf(path)).rejects.toMatchObject({
      code: 'MISSING_DEPENDENCY',
      details: { path },
    });
  });
});

const run = promisify(execFile);

/** Unpacks with Debian's cpio or busybox's; with neither, by reading the newc headers here. */
async function extract(archive: string, into: string): Promise<void> {
  for (const argv of [['cpio'], ['busybox', 'cpio']]) {
    const [command = '', ...pre] = argv;
    try {
      await run(command, [...pre, '-idm', '-F', archive], { cwd: into });
      return;
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'ENOENT') throw e;
    }
  }
  const buf = await readFile(archive);
  for (let off = 0; ;) {
    const field = (i: number) =>
      Number.parseInt(buf.toString('ascii', off + 6 + i * 8, off + 14 + i * 8), 16);
    const [mode, size, nameSize] = [field(1), field(6), field(11)];
    const name = buf.toString('utf8', off + 110, off + 109 + nameSize);
    const at = Math.ceil((off + 110 + nameSize) / 4) * 4;
    off = Math.ceil((at + size) / 4) * 4;
    if (name === 'TRAILER!!!') return;
    const path = join(into, name);
    if ((mode & 0o170000) === 0o040000) await mkdir(path, { mode: mode & 0o7777 });
    else await writeFile(path, buf.subarray(at, at + size), { mode: mode & 0o7777 });
  }
}

/** Each path below `root`, with its kind, permission bits and (for files) contents. */
async function tree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const rel of await readdir(root, { recursive: true })) {
    const s = await stat(join(root, rel));
    const mode = (s.mode & 0o7777).toString(8);
    out[`/${rel}`] = s.isDirectory()
      ? `dir ${mode}`
      : `file ${mode} ${await readFile(join(root, rel), 'utf8')}`;
  }
  return out;
}

describe('writeInitramfs', () => {
  async function inputs(): Promise<InitramfsFile[]> {
    const ko = await fileWith('virtio_net.ko', 'module bytes');
    await symlink(ko, join(dir, 'linked.ko'));
    return [
      {
        path: '/modules/2-virtio_net.ko',
        mode: 0o644,
        kind: 'host',
        source: join(dir, 'linked.ko'),
      },
      { path: '/init', mode: 0o755, kind: 'text', text: '#!/bin/busybox sh\necho é\n' },
      { path: '/etc/vfleet/forward.conf', mode: 0o600, kind: 'text', text: 'eth0 eth1\n' },
    ];
  }

  it('writes an archive cpio unpacks to the files, their folders and modes', async () => {
    const out = join(dir, 'out', 'initrd.cpio');
    await mkdir(dirname(out));
    await writer.writeInitramfs(out, await inputs());
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect(await readdir(dirname(out))).toEqual(['initrd.cpio']);
    const root = join(dir, 'root');
    await mkdir(root);
    await extract(out, root);
    expect(await tree(root)).toEqual({
      '/etc': 'dir 755',
      '/etc/vfleet': 'dir 755',
      '/etc/vfleet/forward.conf': 'file 600 eth0 eth1\n',
      '/init': 'file 755 #!/bin/busybox sh\necho é\n',
      '/modules': 'dir 755',
      '/modules/2-virtio_net.ko': 'file 644 module bytes',
    });
  });

  it('gives the same bytes for the same files, whatever their order and times', async () => {
    const files = await inputs();
    await writer.writeInitramfs(join(dir, 'a.cpio'), files);
    await utimes(join(dir, 'virtio_net.ko'), 1, 1);
    await writer.writeInitramfs(join(dir, 'b.cpio'), [...files].reverse());
    const [a, b] = await Promise.all(['a', 'b'].map((n) => readFile(join(dir, `${n}.cpio`))));
    expect(b?.equals(a ?? Buffer.alloc(0))).toBe(true);
  });

  it('refuses bad paths, duplicates and a missing host file, writing nothing', async () => {
    const text = (path: string, mode = 0o644): InitramfsFile => ({
      path,
      mode,
      kind: 'text',
      text: '',
    });
    const missing = join(dir, 'gone.ko');
    const cases: [InitramfsFile[], string, string][] = [
      [[text('init')], 'INVALID_INPUT', 'init'],
      [[text('/a/../init')], 'INVALID_INPUT', '/a/../init'],
      [[text('/a//b')], 'INVALID_INPUT', '/a//b'],
      [[text('/init'), text('/init')], 'INVALID_INPUT', '/init'],
      [[text('/lib'), text('/lib/x.ko')], 'INVALID_INPUT', '/lib'],
      [[text('/init', 0o100755)], 'INVALID_INPUT', '/init'],
      [
        [{ path: '/m.ko', mode: 0o644, kind: 'host', source: missing }],
        'MISSING_DEPENDENCY',
        missing,
      ],
    ];
    const out = join(dir, 'refused.cpio');
    for (const [files, code, path] of cases) {
      await expect(writer.writeInitramfs(out, files)).rejects.toMatchObject({
        code,
        details: { path },
      });
    }
    expect(await readdir(dir)).toEqual([]);
  });
});
