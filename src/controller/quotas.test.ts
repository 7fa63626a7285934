import { afterAll, describe, expect, it } from 'vitest';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness, Json } from '../testing/controller-harness.js';
import { basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';

afterAll(stopPgCluster);

const vm = (name: string, ports = 1) => ({
  name,
  vcpus: 1,
  memoryMb: 64,
  ports: Array.from({ length: ports }, () => ({ network: 'blue' })),
});

async function smallPhysnet(h: Harness, vlans: number): Promise<void> {
  const r = await h.call('POST', '/v1/physnets', h.admin, {
    name: 'shared',
    vlanRanges: [{ min: 10, max: 9 + vlans }],
  });
  expect(r.status).toBe(201);
}

describe('per-tenant quotas', () => {
  it('one tenant cannot take every VLAN of a shared physnet by default; another still gets one', async () => {
    const h = await startHarness('pglite');
    try {
      await smallPhysnet(h, 5);
      const a = await h.token('tenant', { tenant: 'a' });
      const b = await h.token('tenant', { tenant: 'b' });
      const made: number[] = [];
      for (let i = 0; i < 5; i++) {
        made.push(
          (await h.call('POST', '/v1/networks', a, { name: `n${i}`, physnet: 'shared' })).status,
        );
      }
      // ceil(5 / 2) = 3 for tenant a, then QUOTA_EXCEEDED.
      expect(made).toEqual([201, 201, 201, 409, 409]);
      const refused = await h.call('POST', '/v1/networks', a, { name: 'n9', physnet: 'shared' });
      expect(refused.body).toMatchObject({
        code: 'QUOTA_EXCEEDED',
        details: {
          quota: 'vlansPerPhysnet',
          limit: 3,
          usage: 3,
          physnet: 'shared',
          field: 'physnet',
        },
      });
      const mine = await h.call('POST', '/v1/networks', b, { name: 'n0', physnet: 'shared' });
      expect(mine.status).toBe(201);
      const report = await h.call('GET', '/v1/quotas/a', a);
      expect(report.body.vlansPerPhysnet).toEqual([
        { physnet: 'shared', vlans: 5, limit: 3, usage: 3 },
      ]);
      expect(report.body.networks).toEqual({ limit: 50, usage: 3 });
      expect((await h.call('GET', '/v1/quotas/b', a)).status).toBe(404);
    } finally {
      await h.close();
    }
  }, 60_000);

  it('an admin raises and lowers a quota per tenant; null goes back to the default', async () => {
    const h = await startHarness('pglite');
    try {
      await basicCatalog(h, 4);
      await joinHost(h, { name: 'node1', pfs: 2, vfsPerPf: 4 });
      const acme = await h.token('tenant', { tenant: 'acme' });
      const set = (body: Json) => h.call('PUT', '/v1/quotas/acme', h.admin, body);

      expect((await set({ instances: 1 })).body.instances).toEqual({ limit: 1, usage: 0 });
      expect((await h.call('POST', '/v1/instances', acme, vm('vm1'))).status).toBe(201);
      const over = await h.call('POST', '/v1/instances', acme, vm('vm2'));
      expect(over.status).toBe(409);
      expect(over.body).toMatchObject({
        code: 'QUOTA_EXCEEDED',
        details: { quota: 'instances', limit: 1, usage: 1, requested: 1, tenant: 'acme' },
      });
      // VFs: 1 held, at most 2: an instance asking for 2 more is refused, for 1 more it fits.
      await set({ instances: 'unlimited', vfs: 2 });
      const vfs = await h.call('POST', '/v1/instances', acme, vm('vm2', 2));
      expect(vfs.body).toMatchObject({
        code: 'QUOTA_EXCEEDED',
        details: { quota: 'vfs', limit: 2, usage: 1, requested: 2, field: 'ports' },
      });
      expect((await h.call('POST', '/v1/instances', acme, vm('vm2', 1))).status).toBe(201);

      const list = await h.call('GET', '/v1/quotas', h.admin);
      expect(list.body).toEqual({
        items: [
          { tenant: 'acme', instances: 'unlimited', vfs: 2, networks: null, vlansPerPhysnet: null },
        ],
        nextCursor: null,
      });
      const back = await set({ instances: null, vfs: null });
      expect(back.body.instances).toEqual({ limit: 100, usage: 2 });
      expect(back.body.vfs).toEqual({ limit: 256, usage: 2 });
      // Nothing overridden any more: the tenant drops out of the list.
      expect((await h.call('GET', '/v1/quotas', h.admin)).body.items).toEqual([]);
      expect((await h.call('GET', '/v1/quotas', acme)).body.items).toEqual([
        { tenant: 'acme', instances: null, vfs: null, networks: null, vlansPerPhysnet: null },
      ]);

      // VLANs per physnet: a raised override lets a tenant past the default half.
      await smallPhysnet(h, 2);
      const net = (name: string) =>
        h.call('POST', '/v1/networks', acme, { name, physnet: 'shared' });
      expect((await net('s1')).status).toBe(201);
      expect((await net('s2')).body.code).toBe('QUOTA_EXCEEDED');
      await set({ vlansPerPhysnet: 2, networks: 3 });
      expect((await net('s2')).status).toBe(201);
      // networks: blue, s1, s2 = 3 of 3.
      const third = await h.call('POST', '/v1/networks', acme, { name: 's3', physnet: 'p1' });
      expect(third.body).toMatchObject({ details: { quota: 'networks', limit: 3, usage: 3 } });
      // A move onto a physnet counts against its VLAN quota.
      await set({ vlansPerPhysnet: 1, networks: 'unlimited' });
      const s1 = await h.store.catalog.networkByName('acme', 's1');
      const p2 = await h.call('POST', '/v1/physnets', h.admin, {
        name: 'p2',
        vlanRanges: [{ min: 300, max: 399 }],
      });
      expect(p2.status).toBe(201);
      const q1 = await h.call('POST', '/v1/networks', acme, { name: 'q1', physnet: 'p2' });
      expect(q1.status).toBe(201);
      const moved = await h.call('PATCH', `/v1/networks/${s1?.id ?? ''}`, acme, {
        physnet: 'p2',
        vlan: 350,
      });
      expect(moved.body).toMatchObject({
        code: 'QUOTA_EXCEEDED',
        details: { quota: 'vlansPerPhysnet', physnet: 'p2', limit: 1, usage: 1 },
      });
      const bad = await set({ instances: -2 });
      expect(bad.status).toBe(400);
      expect(bad.body.details).toMatchObject({ field: 'instances' });
    } finally {
      await h.close();
    }
  }, 60_000);
});

describe.each(STORE_KINDS)('quotas under concurrency on %s', (kind) => {
  it('parallel creates never pass a quota', async () => {
    const h = await startHarness(kind, {}, 20);
    try {
      await basicCatalog(h, 8);
      for (let i = 0; i < 3; i++) await joinHost(h, { name: `node${i}`, pfs: 2, vfsPerPf: 8 });
      const acme = await h.token('tenant', { tenant: 'acme' });
      await h.call('PUT', '/v1/quotas/acme', h.admin, { instances: 7, networks: 6 });
      // 48 free VFs, 30 requests: only the quota can stop them.
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => h.call('POST', '/v1/instances', acme, vm(`vm${i}`))),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(7);
      for (const r of results.filter((x) => x.status !== 201))
        expect(r.body).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 'instances' } });
      const nets = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          h.call('POST', '/v1/networks', acme, { name: `n${i}`, physnet: 'p1' }),
        ),
      );
      // blue + 5 new = 6 of 6.
      expect(nets.filter((r) => r.status === 201)).toHaveLength(5);
      const report = await h.call('GET', '/v1/quotas/acme', h.admin);
      expect(report.body.instances).toEqual({ limit: 7, usage: 7 });
      expect(report.body.networks).toEqual({ limit: 6, usage: 6 });
    } finally {
      await h.close();
    }
  }, 120_000);
});
