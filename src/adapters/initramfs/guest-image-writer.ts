import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { GuestImageWriter, InitramfsFile } from '../../core/datapath/guest-image.js';
import { VfleetError, isVfleetError } from '../../core/errors.js';
import type { CpioEntry } from './cpio.js';
import { cpioChunks } from './cpio.js';
import { elfInterpreter } from './elf-interpreter.js';

const errno = (e: unknown) => (e as { code?: unknown }).code;

function checkPath(path: string): void {
  const parts = path.split('/');
  const bad = (p: string) => p === '' || p === '.' || p === '..' || p.includes('\0');
  if (parts[0] !== '' || parts.length < 2 || parts.slice(1).some(bad)) {
    throw new VfleetError(
      'INVALID_INPUT',
      `initramfs path "${path}" must be absolute, without empty, "." or ".." parts`,
      { path },
    );
  }
}

/** Every file and every folder above it, each once, parents first. */
function layout(files: readonly InitramfsFile[]): Map<string, InitramfsFile | 'dir'> {
  const byPath = new Map<string, InitramfsFile | 'dir'>();
  for (const f of files) {
    checkPath(f.path);
    // Type bits in the mode would turn the file into another kind of entry.
    if (!Number.isInteger(f.mode) || f.mode < 0 || f.mode > 0o7777) {
      throw new VfleetError('INVALID_INPUT', `initramfs file ${f.path}: bad mode ${f.mode}`, {
        path: f.path,
      });
    }
    if (byPath.has(f.path)) {
      throw new VfleetError('INVALID_INPUT', `initramfs path ${f.path} is given twice`, {
        path: f.path,
      });
    }
    byPath.set(f.path, f);
  }
  for (const f of files) {
    for (let i = f.path.indexOf('/', 1); i !== -1; i = f.path.indexOf('/', i + 1)) {
      const dir = f.path.slice(0, i);
      if (byPath.get(dir) === undefined) byPath.set(dir, 'dir');
      else if (byPath.get(dir) !== 'dir') {
        throw new VfleetError('INVALID_INPUT', `initramfs path ${dir} is a file and a folder`, {
          path: dir,
        });
      }
    }
  }
  // Code-unit order, not the locale's, so the bytes never depend on the machine;
  // a parent is a prefix of its children, so it comes first.
  return new Map([...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

async function contents(f: InitramfsFile): Promise<Buffer> {
  if (f.kind === 'text') return Buffer.from(f.text, 'utf8');
  if (!isAbsolute(f.source)) {
    throw new VfleetError('INVALID_INPUT', `host file ${f.source} must be an absolute path`, {
      path: f.source,
    });
  }
  try {
    return await readFile(f.source);
  } catch (e) {
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') {
      throw new VfleetError(
        'MISSING_DEPENDENCY',
        `${f.source} does not exist (wanted as ${f.path} in the initramfs)`,
        { path: f.source },
      );
    }
    throw new VfleetError('HOST_READ_FAILED', `cannot read ${f.source}: ${(e as Error).message}`, {
      path: f.source,
    });
  }
}

async function entries(files: readonly InitramfsFile[]): Promise<CpioEntry[]> {
  const out: CpioEntry[] = [];
  for (const [path, f] of layout(files)) {
    out.push(
      f === 'dir'
        ? { kind: 'dir', path, mode: 0o755 }
        : { kind: 'file', path, mode: f.mode, data: await contents(f) },
    );
  }
  return out;
}

/** Written beside `out` and renamed, so a half-written archive never has the final name. */
async function writeAtomically(out: string, chunks: Iterable<Buffer>): Promise<void> {
  const tmp = `${out}.${randomUUID()}.tmp`;
  try {
    await pipeline(Readable.from(chunks), createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
    await rename(tmp, out);
  } catch (e) {
    await rm(tmp, { force: true });
    throw isVfleetError(e)
      ? e
      : new VfleetError('HOST_WRITE_FAILED', `cannot write ${out}: ${(e as Error).message}`, {
          path: out,
        });
  }
}

export function createGuestImageWriter(): GuestImageWriter {
  return {
    interpreterOf: elfInterpreter,
    async writeInitramfs(out, files) {
      await writeAtomically(out, cpioChunks(await entries(files)));
    },
  };
}
