import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import type { CommandRunner } from '../core/ports.js';
import { runChecked } from './checked-run.js';

/** How each compression Linux may use starts, and the program that undoes it. */
const DECOMPRESSORS = [
  { magic: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), ext: 'xz', program: 'xz' },
  { magic: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), ext: 'zst', program: 'zstd' },
] as const;

/**
 * The compressed kernel inside a bzImage, by the boot protocol's own fields
 * (2.08 and later): `setup_sects` at 0x1f1 says where the protected-mode code
 * starts; `payload_offset` and `payload_length` at 0x248 and 0x24c where the
 * payload sits in it. The build appends the uncompressed size (4 bytes),
 * which no decompressor wants. null when the header says otherwise.
 */
export function kernelPayload(image: Buffer): Buffer | null {
  if (image.length < 0x250 || image.toString('latin1', 0x202, 0x206) !== 'HdrS') return null;
  const setupSects = image.readUInt8(0x1f1) || 4;
  const start = (setupSects + 1) * 512 + image.readUInt32LE(0x248);
  const length = image.readUInt32LE(0x24c);
  if (length <= 4 || start + length > image.length) return null;
  return image.subarray(start, start + length - 4);
}

/**
 * Writes at `out` the kernel the lab boots: the ELF inside `vmlinuz`, which
 * QEMU starts through its PVH entry point, skipping the real-mode setup and
 * the decompressor. Under emulation the decompressor is the costly part
 * (with the shorter command line, 135 s of a nested guest's boot became 80 s),
 * and every lab guest and nested guest pays it again. Needs a kernel built
 * with CONFIG_PVH (Debian's: `config` is the package's /boot/config file)
 * and compressed with xz (Debian 12's) or zstd (its 6.12 backports); any
 * other kernel is copied as it is, and boots the slow way.
 */
export async function writeBootKernel(
  runner: CommandRunner,
  vmlinuz: string,
  config: string | null,
  out: string,
): Promise<'uncompressed' | 'copied'> {
  const image = await readFile(vmlinuz);
  const payload = kernelPayload(image);
  const how = DECOMPRESSORS.find(
    (d) => payload?.subarray(0, d.magic.length).equals(d.magic) === true,
  );
  if (payload === null || how === undefined || config === null || !/^CONFIG_PVH=y$/m.test(config)) {
    await copyFile(vmlinuz, out);
    return 'copied';
  }
  const packed = `${out}.${how.ext}`;
  await writeFile(packed, payload);
  try {
    await runChecked(runner, how.program, ['-d', '-q', '--force', packed], 120_000);
  } finally {
    await rm(packed, { force: true });
  }
  return 'uncompressed';
}
