import { afterAll, describe, expect, it } from 'vitest';
import type { Harness, Json } from '../testing/controller-harness.js';
import { startHarness } from '../testing/controller-harness.js';
import { basicCatalog, joinHost, reportHost } from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';
import { purgeHistory } from './purge-history.js';

afterAll(stopPgCluster);

const vm = (name = 'vm1', extra: Record<string, unknown> = {}) => ({
  name,
  vcpus: 1,
  memoryMb: 64,
  tenant: 'acme',
  ports: [{ network: 'blue' }],
  ...extra,
});

/** POST /v1/instances with an Idempotency-Key (the harness's call() sends no headers). */
async function create(h: Harness, key: string | null, body: unknown, token = h.admin) {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
  };
  if (key !== null) headers['idempotency-key'] = key;
  const res = await h.app.request('/v1/instances', {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    replayed: res.headers.get('idempotent-replayed'),
    body: (await res.json()) as Json,
  };
}

const instances = async (h: Harness) =>
  ((await h.call('GET', '/v1/instances', h.admin)).body as unknown as { items: { id: string }[] })
    .items;

describe.each(STORE_KINDS)('Idempotency-Key on POST /v1/instances, %s', (kind) => {
  it('a retry answers with the first instance and creates none; another body is a 409', async () => {
    const h = await startHarness(kind);
    try {
      await basicCatalog(h);
      await joinHost(h, { name: 'node0', pfs: 1, vfsPerPf: 4 });
      const doc = (await h.call('GET', '/openapi.json', null)).body as {
        paths: Record<string, { post?: { parameters?: { name: string; in: string }[] } }>;
      };
      expect(doc.paths['/v1/instances']?.post?.parameters).toEqual([
        expect.objectContaining({ name: 'idempotency-key', in: 'header', required: false }),
      ]);
      const first = await create(h, 'k-1', vm());
      expect([first.status, first.replayed]).toEqual([201, null]);
      // Keys in another order are the same request.
      const { ports, ...rest } = vm();
      const retry = await create(h, 'k-1', { ports, ...rest });
      expect([retry.status, retry.replayed]).toEqual([201, 'true']);
      expect(retry.body).toEqual(first.body);
      expect((await instances(h)).map((i) => i.id)).toEqual([first.body.id]);

      const other = await create(h, 'k-1', vm('vm2'));
      expect(other.status).toBe(409);
      expect(other.body).toMatchObject({ code: 'CONFLICT', details: { field: 'Idempotency-Key' } });
      // Without a key, or with a new one, requests create as before.
      expect((await create(h, 'k-2', vm('vm2'))).status).toBe(201);
      expect((await create(h, null, vm('vm3'))).status).toBe(201);
      expect(await instances(h)).toHaveLength(3);

      // Keys are per tenant (per token for admins): another one's key is its own.
      const tenant = await h.token('tenant', { tenant: 'acme' });
      const mine = await create(h, 'k-1', vm('vm4'), tenant);
      expect([mine.status, mine.replayed]).toEqual([201, null]);
      const again = await create(h, 'k-1', vm('vm4'), await h.token('tenant', { tenant: 'acme' }));
      expect(again.body.id).toBe(mine.body.id);
    } finally {
      await h.close();
    }
  });

  it('20 concurrent requests with one key create one instance', async () => {
    const h = await startHarness(kind, {}, 20);
    try {
      await basicCatalog(h, 5);
      for (let i = 0; i < 4; i++) await joinHost(h, { name: `node${i}`, pfs: 2, vfsPerPf: 5 });
      const all = await Promise.all(Array.from({ length: 20 }, () => create(h, 'once', vm())));
      expect(all.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 201));
      expect(new Set(all.map((r) => r.body.id)).size).toBe(1);
      expect(all.filter((r) => r.replayed === null)).toHaveLength(1);
      expect(await instances(h)).toHaveLength(1);
      const held = await h.store.db
        .selectFrom('vfs')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('state', '=', 'reserved')
        .executeTakeFirstOrThrow();
      expect(Number(held.n)).toBe(1);
    } finally {
      await h.close();
    }
  }, 60_000);

  it('refuses a malformed key naming Idempotency-Key; a key is forgotten after its retention', async () => {
    const h = await startHarness(kind, { idempotencyRetentionMs: 60_000 });
    try {
      await basicCatalog(h);
      await joinHost(h, { name: 'node0', pfs: 1, vfsPerPf: 4 });
      for (const bad of ['x'.repeat(256), 'caf\u00e9']) {
        const r = await create(h, bad, vm());
        expect(r.status).toBe(400);
        expect(r.body).toMatchObject({
          code: 'INVALID_INPUT',
          details: { field: 'Idempotency-Key' },
        });
      }
      expect((await create(h, 'x'.repeat(255), vm('vm0'))).status).toBe(201);
      const first = await create(h, 'k', vm());
      h.clock += 30_000;
      expect((await create(h, 'k', vm())).body.id).toBe(first.body.id);
      h.clock += 31_000;
      expect((await purgeHistory(h.deps)).keys).toBe(2);
      // The host must still look alive to take a claim.
      await reportHost(h, await h.token('agent', { host: 'node0' }), {
        name: 'node0',
        pfs: 1,
        vfsPerPf: 4,
      });
      const later = await create(h, 'k', vm('vm1b'));
      expect([later.status, later.replayed]).toEqual([201, null]);
      expect(later.body.id).not.toBe(first.body.id);
    } finally {
      await h.close();
    }
  });
});
