import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../testing/controller-harness.js';
import { STORE_KINDS, stopPgCluster } from '../../testing/store-targets.js';

afterAll(stopPgCluster);

/** A new admin token, made by the admin token `by`. */
async function newAdmin(h: Harness, by: string, name: string): Promise<Admin> {
  const r = await h.call('POST', '/v1/tokens', by, { name, role: 'admin' });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { id: String(r.body.id), secret: String(r.body.token) };
}

interface Admin {
  readonly id: string;
  readonly secret: string;
}

async function adminIds(h: Harness): Promise<string[]> {
  const rows = await h.store.db
    .selectFrom('tokens')
    .select('id')
    .where('role', '=', 'admin')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Opens a few pooled connections first: otherwise the second request waits
 * for a new connection while the first commits, and the two never overlap.
 */
async function warmPool(h: Harness): Promise<void> {
  await Promise.all(
    Array.from({ length: 4 }, () => sql`select pg_sleep(0.05)`.execute(h.store.db)),
  );
}

describe.each(STORE_KINDS)('revoking admin tokens on %s', (kind) => {
  it('two concurrent revokes of the last two admin tokens: one wins, one admin remains', async () => {
    const h = await startHarness(kind);
    try {
      // From the harness's admin token to one made through the API, whose id is known.
      let keep = await newAdmin(h, h.admin, 'admin-0');
      const [harnessAdmin] = (await adminIds(h)).filter((id) => id !== keep.id);
      expect((await h.call('DELETE', `/v1/tokens/${harnessAdmin}`, keep.secret)).status).toBe(204);
      // Several rounds: a check and a delete in separate transactions let both revokes through.
      for (let round = 1; round <= 5; round++) {
        const pair = [keep, await newAdmin(h, keep.secret, `admin-${round}`)];
        expect(await adminIds(h)).toHaveLength(2);
        await warmPool(h);
        // Each revokes itself, so neither request's own token can vanish before its auth.
        const results = await Promise.all(
          pair.map((p) => h.call('DELETE', `/v1/tokens/${p.id}`, p.secret)),
        );
        expect(results.map((r) => r.status).sort(), JSON.stringify(results)).toEqual([204, 409]);
        expect(results.find((r) => r.status === 409)?.body).toMatchObject({
          code: 'CONFLICT',
          message: 'this is the last admin token; create another before revoking it',
        });
        const left = await adminIds(h);
        expect(left).toHaveLength(1);
        const survivor = pair.find((p) => p.id === left[0]);
        if (survivor === undefined) throw new Error('the remaining admin token is not of the pair');
        keep = survivor;
      }
    } finally {
      await h.close();
    }
  }, 60_000);
});
