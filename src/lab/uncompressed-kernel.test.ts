import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecRunner } from '../adapters/exec/exec-runner.js';
import { writeBootKernel } from './uncompressed-kernel.js';

const runner = createExecRunner({ path: process.env.PATH });
let dir: string;
/** What a bzImage carries, shaped like one: setup code, the xz stream, then a trailer. */
const elf = Buffer.concat([Buffer.from('\x7fELF'), Buffer.alloc(200_000, 7)]);
let vmlinuz: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vfleet-kernel-'));
  const xz = execFileSync('xz', ['--format=xz', '--check=crc32', '-c'], { input: elf });
  vmlinuz = join(dir, 'vmlinuz');
  await writeFile(vmlinuz, Buffer.concat([Buffer.alloc(4096, 1), xz, Buffer.alloc(512, 9)]));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('writeBootKernel', () => {
  it('writes the ELF inside an xz vmlinuz when the kernel has a PVH entry', async () => {
    const out = join(dir, 'kernel-pvh');
    const how = await writeBootKernel(runner, vmlinuz, 'CONFIG_X=y\nCONFIG_PVH=y\n', out);
    expect(how).toBe('uncompressed');
    expect((await readFile(out)).equals(elf)).toBe(true);
    // No staging file is left beside it.
    expect((await readdir(dir)).filter((f) => f.startsWith('kernel-pvh'))).toEqual(['kernel-pvh']);
  });

  it('copies the kernel as it is without PVH, or without its config', async () => {
    for (const config of ['# CONFIG_PVH is not set\n', null]) {
      const out = join(dir, 'kernel-copy');
      expect(await writeBootKernel(runner, vmlinuz, config, out)).toBe('copied');
      expect((await readFile(out)).equals(await readFile(vmlinuz))).toBe(true);
    }
  });

  it('copies a kernel that holds no xz stream', async () => {
    const plain = join(dir, 'plain');
    await writeFile(plain, Buffer.alloc(1000, 3));
    const out = join(dir, 'kernel-plain');
    expect(await writeBootKernel(runner, plain, 'CONFIG_PVH=y\n', out)).toBe('copied');
    expect((await readFile(out)).length).toBe(1000);
  });
});
