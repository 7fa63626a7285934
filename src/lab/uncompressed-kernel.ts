import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import type { CommandRunner } from '../core/ports.js';
import { runChecked } from './checked-run.js';

/** The magic bytes an xz stream starts with. */
const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);

/**
 * Writes at `out` the kernel the lab boots: the ELF inside `vmlinuz`, which
 * QEMU starts through its PVH entry point, skipping the real-mode setup and
 * the decompressor. Under emulation the decompressor is the costly part
 * (with the shorter command line, 135 s of a nested guest's boot became 80 s), and
 * every lab guest and nested guest pays it again. Needs an xz-compressed
 * kernel built with CONFIG_PVH (Debian's: `config` is the package's
 * /boot/config file); any other kernel is copied as it is, and boots the
 * slow way.
 */
export async function writeBootKernel(
  runner: CommandRunner,
  vmlinuz: string,
  config: string | null,
  out: string,
): Promise<'uncompressed' | 'copied'> {
  const image = await readFile(vmlinuz);
  const at = image.indexOf(XZ_MAGIC);
  if (at < 0 || config === null || !/^CONFIG_PVH=y$/m.test(config)) {
    await copyFile(vmlinuz, out);
    return 'copied';
  }
  // The stream ends before the setup code's trailer: --single-stream ignores what follows it.
  await writeFile(`${out}.xz`, image.subarray(at));
  try {
    await runChecked(runner, 'xz', ['-d', '--single-stream', '--force', `${out}.xz`], 120_000);
  } finally {
    await rm(`${out}.xz`, { force: true });
  }
  return 'uncompressed';
}
