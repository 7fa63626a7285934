import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../adapters/store/open-store.js';
import { harnessOn, startHarness, type Harness } from '../testing/controller-harness.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';
import { tokenNotice } from './token-cache.js';

afterAll(stopPgCluster);

/** A tenant token made through the API: its id and secret. */
async function tenantToken(h: Harness): Promise<{ id: string; secret: string }> {
  const r = await h.call('POST', '/v1/tokens', h.admin, {
    name: `t-${String(Math.random()).slice(2, 8)}`,
    role: 'tenant',
    tenant: 'acme',
  });
  expect(r.status).toBe(201);
  return { id: String(r.body.id), secret: String(r.body.token) };
}

const status = async (h: Harness, secret: string) =>
  (await h.call('GET', '/v1/instances', secret)).status;

/**
 * Resolves once `h` has heard every notice of what committed before: the
 * store delivers notices in commit order, so a key published now arrives
 * after them.
 */
async function caughtUp(h: Harness): Promise<void> {
  const heard = h.deps.feed.wait('(caught-up)', 10_000);
  await h.store.notices.publish('(caught-up)');
  expect(await heard).toBe(true);
}

describe.each(STORE_KINDS)('cached tokens on %s', (kind) => {
  it('a token revoked through the API is refused from the next request on', async () => {
    const h = await startHarness(kind);
    try {
      const t = await tenantToken(h);
      expect(await status(h, t.secret)).toBe(200);
      expect(await status(h, t.secret)).toBe(200); // now held in memory
      expect((await h.call('DELETE', `/v1/tokens/${t.id}`, h.admin)).status).toBe(204);
      const r = await h.call('GET', '/v1/instances', t.secret);
      expect(r.status).toBe(401);
      expect(r.body.message).toBe('unknown or revoked token');
    } finally {
      await h.close();
    }
  }, 60_000);

  it("a token deleted by any writer is refused once the store's notice came", async () => {
    const h = await startHarness(kind);
    try {
      const t = await tenantToken(h);
      expect(await status(h, t.secret)).toBe(200);
      // Not through the API: only the table's trigger (schema 0021) tells the controller.
      const heard = h.deps.feed.wait(tokenNotice(t.id), 10_000);
      await sql`delete from tokens where id = ${t.id}`.execute(h.store.db);
      expect(await heard).toBe(true);
      expect(await status(h, t.secret)).toBe(401);
    } finally {
      await h.close();
    }
  }, 60_000);

  it('keeps the other tokens held when a token is made or another revoked', async () => {
    const h = await startHarness(kind);
    try {
      const t = await tenantToken(h);
      expect(await status(h, t.secret)).toBe(200); // now held
      // Gone from the table with its trigger off: only a read of it would now refuse it.
      await h.store.db.transaction().execute(async (tx) => {
        await sql`set local session_replication_role = replica`.execute(tx);
        await sql`delete from tokens where id = ${t.id}`.execute(tx);
      });
      const other = await tenantToken(h); // an agent joining: a token made
      expect((await h.call('DELETE', `/v1/tokens/${other.id}`, h.admin)).status).toBe(204);
      await caughtUp(h);
      // Still answered from memory: neither the new token nor the revoke dropped it.
      expect(await status(h, t.secret)).toBe(200);
    } finally {
      await h.close();
    }
  }, 60_000);
});

describe('cached tokens, two controllers on one PostgreSQL', () => {
  it('a revoke through one is refused by the other as soon as its notice arrives', async () => {
    const a = await startHarness('postgres');
    const b = await harnessOn(await openStore({ kind: 'postgres', url: a.url ?? '' }), a.url);
    try {
      const t = await tenantToken(a);
      expect(await status(b, t.secret)).toBe(200);
      expect(await status(b, t.secret)).toBe(200);
      expect((await a.call('DELETE', `/v1/tokens/${t.id}`, a.admin)).status).toBe(204);
      await caughtUp(b);
      expect(await status(b, t.secret)).toBe(401);
    } finally {
      await b.close();
      await a.close();
    }
  }, 60_000);

  it('drops every held token when the listener lost its connection (notices may be lost)', async () => {
    const h = await startHarness('postgres');
    const admin = new pg.Client({ connectionString: h.url ?? '' });
    await admin.connect();
    try {
      const t = await tenantToken(h);
      expect(await status(h, t.secret)).toBe(200);
      // Deleted with triggers off (replica role): no notice, as if it were lost.
      await admin.query('set session_replication_role = replica');
      await admin.query('delete from tokens where id = $1', [t.id]);
      await admin.query('set session_replication_role = origin');
      await caughtUp(h);
      // Still held: the controller read no token for this request.
      expect(await status(h, t.secret)).toBe(200);

      // The listener's connection drops; it reconnects and says notices may have been lost.
      await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
         where datname = current_database() and query ilike 'listen %'`,
      );
      const deadline = Date.now() + 20_000;
      let got = 200;
      while (got === 200 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        got = await status(h, t.secret);
      }
      expect(got).toBe(401);
    } finally {
      await admin.end();
      await h.close();
    }
  }, 60_000);
});
