import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TokenStore } from '../core/fleet/token-store.js';
import { newSecret } from './auth.js';
import type { IdSource } from './controller-deps.js';

/**
 * On first start (no admin token yet) creates one and writes its secret to
 * `file`, readable by the owner only (0600): the way in for `vfleet token`
 * and the CLI. Controllers started together on one empty database create
 * one between them (TokenStore.createFirstAdmin); only that one writes a
 * file. The file is written before the token commits, so a secret that
 * cannot be saved leaves no token nobody knows. Returns whether it created one.
 */
export async function ensureAdminToken(
  tokens: TokenStore,
  file: string,
  now: string,
  ids: IdSource,
): Promise<boolean> {
  // Most starts find one: no lock is taken then.
  if ((await tokens.count('admin')) > 0) return false;
  const { secret, hash } = newSecret(ids);
  const token = {
    id: ids.uuid(),
    name: 'bootstrap-admin',
    role: 'admin' as const,
    tenant: null,
    host: null,
    hash,
    now,
  };
  return tokens.createFirstAdmin(token, async () => {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${secret}\n`, { mode: 0o600 });
    await rename(tmp, file);
  });
}
