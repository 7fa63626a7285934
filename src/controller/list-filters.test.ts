import { afterAll, describe, expect, it } from 'vitest';
import { UNLIMITED_QUOTAS } from '../core/fleet/quota.js';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness, Json } from '../testing/controller-harness.js';
import { basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';

afterAll(stopPgCluster);

/** Every item of `path`, `limit` a page, following the cursors. */
async function walk(h: Harness, path: string, limit: number, token = h.admin): Promise<Json[]> {
  const seen: Json[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const c: string = cursor === null ? '' : `&cursor=${cursor}`;
    const r = await h.call('GET', `${path}${sep}limit=${limit}${c}`, token);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const body = r.body as unknown as { items: Json[]; nextCursor: string | null };
    expect(body.items.length).toBeLessThanOrEqual(limit);
    seen.push(...body.items);
    cursor = body.nextCursor;
    if (cursor === null) return seen;
  }
  throw new Error('the walk never ended');
}

const ids = (items: Json[]) => items.map((i) => String(i.id));

interface Port {
  id: string;
  instanceId: string | null;
  host: string | null;
}

describe.each(STORE_KINDS)('list filters on %s', (kind) => {
  it('instances by tenant and state, ports by instance and host, across pages with ties', async () => {
    const h = await startHarness(kind, { quotas: UNLIMITED_QUOTAS });
    try {
      await basicCatalog(h, 8);
      await h.call('POST', '/v1/networks', h.admin, { name: 'red', physnet: 'p1', tenant: 'zeta' });
      await joinHost(h, { name: 'node1', pfs: 2, vfsPerPf: 8 });
      await joinHost(h, { name: 'node2', pfs: 2, vfsPerPf: 8 }, 0x20);
      const vm = (i: number, tenant: string) => ({
        name: `vm${i}`,
        vcpus: 1,
        memoryMb: 64,
        tenant,
        ports: [
          { network: tenant === 'acme' ? 'blue' : 'red' },
          { network: tenant === 'acme' ? 'blue' : 'red' },
        ],
      });
      const created: Json[] = [];
      const make = async (i: number, tenant: string) => {
        const r = await h.call('POST', '/v1/instances', h.admin, vm(i, tenant));
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        created.push(r.body);
      };
      // Three created at one instant (their ids break the tie), then expired.
      for (let i = 0; i < 3; i++) await make(i, 'acme');
      await h.deps.store.claims.expire(new Date(h.clock + 365 * 86_400_000).toISOString());
      for (let i = 3; i < 9; i++) {
        if (i % 2 === 0) h.clock += 1;
        await make(i, i % 3 === 0 ? 'zeta' : 'acme');
      }
      const all = await walk(h, '/v1/instances', 1000);
      expect(all).toHaveLength(9);

      const expect2 = async (query: string, want: (i: Json) => boolean) => {
        for (const limit of [1, 2, 1000]) {
          const got = await walk(h, `/v1/instances?${query}`, limit);
          expect(ids(got), `${query} limit ${limit}`).toEqual(ids(all.filter(want)));
        }
      };
      await expect2('tenant=zeta', (i) => i.tenant === 'zeta');
      await expect2('name=vm4', (i) => i.name === 'vm4');
      await expect2('name=vm4&state=expired', () => false);
      await expect2('state=expired', (i) => i.state === 'expired');
      await expect2(
        'state=reserved&tenant=acme',
        (i) => i.state === 'reserved' && i.tenant === 'acme',
      );
      for (const host of ['node1', 'node2'])
        await expect2(`host=${host}&tenant=acme`, (i) => i.host === host && i.tenant === 'acme');
      expect(all.filter((i) => i.state === 'expired')).toHaveLength(3);
      expect(all.filter((i) => i.tenant === 'zeta').length).toBeGreaterThan(0);

      // A tenant token sees its own instances only, whatever tenant it names.
      const zeta = await h.token('tenant', { tenant: 'zeta' });
      expect(await walk(h, '/v1/instances?tenant=acme', 2, zeta)).toEqual([]);
      expect(ids(await walk(h, '/v1/instances?tenant=zeta', 2, zeta))).toEqual(
        ids(all.filter((i) => i.tenant === 'zeta')),
      );

      const ports = (await walk(h, '/v1/ports', 1000)) as unknown as Port[];
      expect(ports).toHaveLength(12);
      const held = all.filter((i) => i.state === 'reserved')[2];
      if (held === undefined) throw new Error('no third reserved instance');
      for (const limit of [1, 1000]) {
        const mine = (await walk(
          h,
          `/v1/ports?instance=${String(held.id)}`,
          limit,
        )) as unknown as Port[];
        expect(mine.map((p) => p.id)).toEqual(
          ports.filter((p) => p.instanceId === held.id).map((p) => p.id),
        );
        expect(mine).toHaveLength(2);
        let onHosts = 0;
        for (const host of ['node1', 'node2']) {
          const there = (await walk(h, `/v1/ports?host=${host}`, limit)) as unknown as Port[];
          expect(there.map((p) => p.id)).toEqual(
            ports.filter((p) => p.host === host).map((p) => p.id),
          );
          onHosts += there.length;
        }
        expect(onHosts).toBe(12);
      }
      expect(await walk(h, '/v1/ports?host=nowhere', 10)).toEqual([]);
      // By MAC, in any case: the one port.
      const one = ports[5] as unknown as { id: string; mac: string };
      const byMac = await walk(h, `/v1/ports?mac=${one.mac.toUpperCase()}`, 10);
      expect(ids(byMac)).toEqual([one.id]);
    } finally {
      await h.close();
    }
  });

  it('a bad state names the field', async () => {
    const h = await startHarness(kind);
    try {
      const r = await h.call('GET', '/v1/instances?state=running', h.admin);
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toContain('state');
      expect(JSON.stringify(r.body)).toContain('reserved');
    } finally {
      await h.close();
    }
  });
});
