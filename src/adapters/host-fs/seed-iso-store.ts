import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, open, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { isVfleetError, VfleetError } from '../../core/errors.js';
import { SEED_VOLUME_ID } from '../../core/libvirt/seed-disk.js';
import type { CommandRunner, SeedIsoStore } from '../../core/ports.js';

/** ISO 9660: the primary volume descriptor is sector 16; its application id is bytes 574-701. */
const PVD_AT = 16 * 2048;
const APP_ID = { at: 574, length: 128 } as const;
const GENISOIMAGE_MS = 60_000;

/** What the image records as its content: the same files give the same digest. */
export function seedDigest(files: Readonly<Record<string, string>>): string {
  const sorted = Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/** The application id of the ISO at `file`, or null when there is none (absent, not an ISO). */
async function recordedDigest(file: string): Promise<string | null> {
  let fh;
  try {
    fh = await open(file, 'r');
    const buf = Buffer.alloc(APP_ID.length);
    const { bytesRead } = await fh.read(buf, 0, APP_ID.length, PVD_AT + APP_ID.at);
    return bytesRead === APP_ID.length ? buf.toString('latin1').trim() : null;
  } catch {
    return null;
  } finally {
    await fh?.close();
  }
}

/**
 * SeedIsoStore over genisoimage (Debian package `genisoimage`), rooted at
 * `root` like createNodeHostFs. Joliet and Rock Ridge keep the NoCloud file
 * names (`meta-data`, `user-data`, `network-config`) as written; the files'
 * digest goes in the volume's application id, so an unchanged seed is seen
 * without a copy of it kept anywhere (an agent that restarts keeps it too).
 */
export function createSeedIsoStore(runner: CommandRunner, root: string): SeedIsoStore {
  const base = resolve(root);
  const at = (p: string) => {
    if (!p.startsWith('/')) throw new VfleetError('INTERNAL', `host path must be absolute: ${p}`);
    return join(base, p);
  };
  const writeFailed = (path: string, e: unknown) =>
    isVfleetError(e)
      ? e
      : new VfleetError('HOST_WRITE_FAILED', `cannot write ${path}: ${(e as Error).message}`, {
          path,
        });
  return {
    ensure: (path, files) =>
      ensure(path, files).catch((e: unknown) => {
        throw writeFailed(path, e);
      }),
    async remove(path) {
      await rm(at(path), { force: true }).catch((e: unknown) => {
        throw writeFailed(path, e);
      });
    },
  };
  async function ensure(path: string, files: Readonly<Record<string, string>>): Promise<boolean> {
    const target = at(path);
    const digest = seedDigest(files);
    if ((await recordedDigest(target)) === digest) return false;
    const folder = dirname(target);
    await mkdir(folder, { recursive: true, mode: 0o755 });
    // The folder is the agent's: a link there would send the image (and the rename) elsewhere.
    if ((await lstat(folder)).isSymbolicLink())
      throw new VfleetError('HOST_WRITE_FAILED', `${dirname(path)} is a symlink; refused`, {
        path: dirname(path),
      });
    const staging = await mkdtemp(join(tmpdir(), 'vfleet-seed-'));
    const tmp = join(folder, `.${basename(target)}.tmp-${String(process.pid)}`);
    try {
      for (const [name, text] of Object.entries(files))
        await writeFile(join(staging, name), text, { mode: 0o644 });
      await genisoimage(runner, tmp, digest, staging);
      await rename(tmp, target);
      return true;
    } finally {
      await rm(staging, { recursive: true, force: true });
      await rm(tmp, { force: true });
    }
  }
}

async function genisoimage(
  runner: CommandRunner,
  out: string,
  digest: string,
  dir: string,
): Promise<void> {
  const args = [
    ...['-quiet', '-input-charset', 'utf-8', '-output', out],
    ...['-volid', SEED_VOLUME_ID, '-appid', digest, '-joliet', '-rock', dir],
  ];
  let r;
  try {
    r = await runner.run('genisoimage', args, { timeoutMs: GENISOIMAGE_MS });
  } catch (e) {
    if (isVfleetError(e) && e.code === 'MISSING_DEPENDENCY')
      throw new VfleetError(
        'MISSING_DEPENDENCY',
        "genisoimage is not installed: the guest's cloud-init seed CD-ROM is made with it (Debian package genisoimage)",
        { command: 'genisoimage', package: 'genisoimage' },
      );
    throw e;
  }
  if (r.exitCode !== 0)
    throw new VfleetError(
      'COMMAND_FAILED',
      `genisoimage failed (exit ${String(r.exitCode)}): ${r.stderr.trim().slice(0, 500)}`,
      { command: 'genisoimage', exitCode: r.exitCode },
    );
}
