import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecRunner } from '../adapters/exec/exec-runner.js';
import { kernelPayload, writeBootKernel } from './uncompressed-kernel.js';

const runner = createExecRunner({ path: process.env.PATH });
const PVH = 'CONFIG_X=y\nCONFIG_PVH=y\n';
let dir: string;
/** What the compressed payload holds, shaped like it: an ELF. */
const elf = Buffer.concat([Buffer.from('\x7fELF'), Buffer.alloc(200_000, 7)]);

/**
 * A bzImage as the boot protocol lays it out: 2 setup sectors after the boot
 * sector, then the protected-mode code with the payload at `payload_offset`,
 * the uncompressed size appended to it as the kernel's build does, then a trailer.
 */
function bzImage(compressed: Buffer): Buffer {
  const setup = Buffer.alloc(3 * 512);
  setup.writeUInt8(2, 0x1f1);
  setup.write('HdrS', 0x202, 'latin1');
  const size = Buffer.alloc(4);
  size.writeUInt32LE(elf.length);
  const payload = Buffer.concat([compressed, size]);
  setup.writeUInt32LE(300, 0x248);
  setup.writeUInt32LE(payload.length, 0x24c);
  return Buffer.concat([setup, Buffer.alloc(300, 1), payload, Buffer.alloc(512, 9)]);
}

async function kernelFile(name: string, image: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, image);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vfleet-kernel-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('writeBootKernel', () => {
  it.each([
    ['xz', ['--format=xz', '--check=crc32', '-c']],
    ['zstd', ['-q', '-c']],
  ])(
    'writes the ELF inside a %s vmlinuz when the kernel has a PVH entry',
    async (program, args) => {
      const vmlinuz = await kernelFile(
        `vmlinuz-${program}`,
        bzImage(execFileSync(program, args, { input: elf })),
      );
      const out = join(dir, `kernel-${program}`);
      expect(await writeBootKernel(runner, vmlinuz, PVH, out)).toBe('uncompressed');
      expect((await readFile(out)).equals(elf)).toBe(true);
      // No staging file is left beside it.
      const left = (await readdir(dir)).filter((f) => f.startsWith(`kernel-${program}`));
      expect(left).toEqual([`kernel-${program}`]);
    },
  );

  it('copies the kernel as it is without PVH, or without its config', async () => {
    const xz = execFileSync('xz', ['-c'], { input: elf });
    const vmlinuz = await kernelFile('vmlinuz-nopvh', bzImage(xz));
    for (const config of ['# CONFIG_PVH is not set\n', null]) {
      const out = join(dir, 'kernel-copy');
      expect(await writeBootKernel(runner, vmlinuz, config, out)).toBe('copied');
      expect((await readFile(out)).equals(await readFile(vmlinuz))).toBe(true);
    }
  });

  it('copies a kernel whose payload is in no compression it knows, or that has no boot header', async () => {
    const gzip = execFileSync('gzip', ['-c'], { input: elf });
    for (const [name, image] of [
      ['gzip', bzImage(gzip)],
      ['headerless', Buffer.alloc(1000, 3)],
    ] as const) {
      const out = join(dir, `kernel-${name}`);
      const vmlinuz = await kernelFile(`vmlinuz-${name}`, image);
      expect(await writeBootKernel(runner, vmlinuz, PVH, out)).toBe('copied');
      expect((await readFile(out)).length).toBe(image.length);
    }
  });
});

describe('kernelPayload', () => {
  it('finds the payload by the header, without the appended size', () => {
    const packed = Buffer.from('compressed bytes');
    expect(kernelPayload(bzImage(packed))?.equals(packed)).toBe(true);
  });

  it('refuses a payload that runs past the file', () => {
    const image = bzImage(Buffer.from('x'.repeat(64)));
    image.writeUInt32LE(1 << 30, 0x24c);
    expect(kernelPayload(image)).toBeNull();
  });
});
