import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TokenStore } from '../core/fleet/store.js';
import { newSecret } from './auth.js';

/**
 * On first start (no admin token yet) creates one and writes its secret to
 * `file`, readable by the owner only (0600): the way in for `vfleet token`
 * and the CLI. Returns whether a token was created.
 */
export async function ensureAdminToken(
  tokens: TokenStore,
  file: string,
  now: string,
): Promise<boolean> {
  if ((await tokens.count('admin')) > 0) return false;
  const { secret, hash } = newSecret();
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${secret}\n`, { mode: 0o600 });
  await rename(tmp, file);
  await tokens.create({
    id: randomUUID(),
    name: 'bootstrap-admin',
    role: 'admin',
    tenant: null,
    host: null,
    hash,
    now,
  });
  return true;
}
