import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { VfleetError } from '../../core/errors.js';

/**
 * The PT_INTERP of an ELF executable (System V gABI, "Program Header"). Only
 * 64-bit little-endian files are read: the hosts vfleet boots a forwarding VM
 * on are x86_64 or aarch64, and a guest of another class could not run there.
 */
const MAGIC = Buffer.from('\x7fELF', 'latin1');
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const PT_INTERP = 3;

const invalid = (path: string, why: string) =>
  new VfleetError('INVALID_INPUT', `${path} ${why}`, { path });

async function openExecutable(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new VfleetError('MISSING_DEPENDENCY', `${path} does not exist`, { path });
    }
    throw new VfleetError('HOST_READ_FAILED', `cannot read ${path}: ${(e as Error).message}`, {
      path,
    });
  }
}

export async function elfInterpreter(path: string): Promise<string | null> {
  const file = await openExecutable(path);
  try {
    const stat = await file.stat();
    if (!stat.isFile()) throw invalid(path, 'is not a regular file');
    // Offsets come from the file itself: check each against its size before reading.
    const read = async (at: number, length: number) => {
      if (at + length > stat.size) throw invalid(path, 'is a truncated ELF file');
      const buf = Buffer.alloc(length);
      const { bytesRead } = await file.read(buf, 0, length, at);
      if (bytesRead < length) throw invalid(path, 'is a truncated ELF file');
      return buf;
    };
    const ident = await read(0, Math.min(stat.size, EHDR_SIZE));
    if (ident.length < MAGIC.length || !ident.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw invalid(path, 'is not an ELF file');
    }
    if (ident[4] !== ELFCLASS64 || ident[5] !== ELFDATA2LSB) {
      throw invalid(path, 'is not a 64-bit little-endian ELF file (the only kind read)');
    }
    const head = await read(0, EHDR_SIZE);
    const phoff = Number(head.readBigUInt64LE(0x20));
    const phentsize = head.readUInt16LE(0x36);
    const phnum = head.readUInt16LE(0x38);
    if (phnum > 0 && phentsize < PHDR_SIZE) throw invalid(path, 'has a bad program header size');
    const table = await read(phoff, phnum * phentsize);
    for (let at = 0; at < table.length; at += phentsize) {
      if (table.readUInt32LE(at) !== PT_INTERP) continue;
      const offset = Number(table.readBigUInt64LE(at + 0x08));
      const size = Number(table.readBigUInt64LE(at + 0x20));
      const name = await read(offset, size);
      const nul = name.indexOf(0);
      return name.subarray(0, nul === -1 ? name.length : nul).toString('utf8');
    }
    return null;
  } finally {
    await file.close();
  }
}
