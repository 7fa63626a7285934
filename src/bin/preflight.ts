import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { VfleetError } from '../core/errors.js';

/**
 * Creates `dir` (owner only) when missing and checks this user may write in
 * it, failing with one line naming `option`: told before any slow work, not
 * as a stack trace from deep inside the database start.
 */
export async function ensureWritableDir(dir: string, option: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const why: Record<string, string> = {
      EACCES: 'permission denied',
      EPERM: 'permission denied',
      EROFS: 'the file system is read-only',
      ENOTDIR: 'a part of the path is a file, not a folder',
      EEXIST: 'it is a file, not a folder',
      ENOSPC: 'no space left on the device',
    };
    throw new VfleetError(
      'HOST_WRITE_FAILED',
      `${option}: cannot use ${dir} as a data folder: ${why[code] ?? (e instanceof Error ? e.message : String(e))}; choose another with ${option} DIR`,
      { field: option.replace(/^--/, ''), path: dir },
    );
  }
}
