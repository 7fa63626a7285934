import { afterAll, describe, expect, it } from 'vitest';
import { UNLIMITED_QUOTAS } from '../core/fleet/quota.js';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness, Json } from '../testing/controller-harness.js';
import { basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';

afterAll(stopPgCluster);

interface Paged {
  items: Json[];
  nextCursor: string | null;
}

/** Walks a list `limit` at a time, calling `between` after each page; every item seen, in order. */
async function walk(
  h: Harness,
  path: string,
  limit: number,
  between: (page: number) => Promise<void> = () => Promise.resolve(),
): Promise<Json[]> {
  const seen: Json[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const q: string = cursor === null ? '' : `&cursor=${cursor}`;
    const sep = path.includes('?') ? '&' : '?';
    const r = await h.call('GET', `${path}${sep}limit=${limit}${q}`, h.admin);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const body = r.body as unknown as Paged;
    expect(body.items.length).toBeLessThanOrEqual(limit);
    seen.push(...body.items);
    cursor = body.nextCursor;
    if (cursor === null) return seen;
    await between(page);
  }
  throw new Error('the walk never ended');
}

const net = (h: Harness, tenant: string, name: string) =>
  h.call('POST', '/v1/networks', h.admin, { name, physnet: 'big', tenant });

describe.each(STORE_KINDS)('pagination on %s', (kind) => {
  it('walks every network, instance, port and token exactly once while more are added', async () => {
    const h = await startHarness(kind, { quotas: UNLIMITED_QUOTAS });
    try {
      await basicCatalog(h, 8);
      await joinHost(h, { name: 'node1', pfs: 2, vfsPerPf: 8 });
      await h.call('POST', '/v1/physnets', h.admin, {
        name: 'big',
        vlanRanges: [{ min: 1000, max: 1999 }],
      });
      for (let i = 0; i < 20; i++)
        expect((await net(h, `t${i % 3}`, `n${i + 10}`)).status).toBe(201);
      const before = (await walk(h, '/v1/networks', 1000)).map((n) => n.id);
      let added = 0;
      // New networks sort before and after the cursor; those before are never shown, none twice.
      const nets = await walk(h, '/v1/networks', 4, async () => {
        for (const name of [`n0${added}`, `n99${added}`]) await net(h, 't1', name);
        added++;
      });
      const ids = nets.map((n) => n.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of before) expect(ids.filter((x) => x === id)).toHaveLength(1);
      const order = nets.map((n) => `${String(n.tenant)}/${String(n.name)}`);
      expect(order).toEqual([...order].sort());

      // Instances: several per millisecond (the key's id breaks ties), more created meanwhile.
      const vm = (i: number) => ({
        name: `vm${i}`,
        vcpus: 1,
        memoryMb: 64,
        tenant: 'acme',
        ports: [{ network: 'blue' }],
      });
      for (let i = 0; i < 7; i++) {
        if (i % 3 === 0) h.clock += 1;
        expect((await h.call('POST', '/v1/instances', h.admin, vm(i))).status).toBe(201);
      }
      let n = 7;
      const insts = await walk(h, '/v1/instances', 2, async () => {
        h.clock += 1;
        expect((await h.call('POST', '/v1/instances', h.admin, vm(n++))).status).toBe(201);
      });
      const names = insts.map((i) => i.name);
      expect(new Set(names).size).toBe(names.length);
      // Created after the walk began, later than every cursor: each is seen (ties in id order).
      expect([...names].sort()).toEqual(Array.from({ length: n }, (_, i) => `vm${i}`).sort());
      expect(names.slice(7)).toEqual(Array.from({ length: n - 7 }, (_, i) => `vm${i + 7}`));

      const ports = await walk(h, '/v1/ports', 3);
      expect(new Set(ports.map((p) => p.id)).size).toBe(n);
      const blue = await h.store.catalog.networkByName('acme', 'blue');
      const onBlue = await walk(h, `/v1/ports?network=${blue?.id ?? ''}`, 100);
      expect(onBlue).toHaveLength(n);
      const hostInsts = await walk(h, '/v1/instances?host=node1', 5);
      expect(hostInsts).toHaveLength(n);
      expect(await walk(h, '/v1/instances?host=node9', 5)).toEqual([]);
      expect(await walk(h, '/v1/ports?network=nope', 5)).toEqual([]);

      for (let i = 0; i < 5; i++) await h.token('tenant', { tenant: `t${i}` });
      const tokens = await walk(h, '/v1/tokens', 2);
      expect(new Set(tokens.map((t) => t.id)).size).toBe(tokens.length);
      expect(tokens.length).toBe(7);
    } finally {
      await h.close();
    }
  }, 120_000);
});

describe('pagination input', () => {
  it('a bad cursor or limit is 400 naming the query field', async () => {
    const h = await startHarness('pglite');
    try {
      await basicCatalog(h);
      await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 2, labels: { rack: 'r1' } });
      await joinHost(h, { name: 'node2', pfs: 1, vfsPerPf: 2, labels: { rack: 'r2' } }, 0x20);
      const hosts = await h.call('GET', '/v1/hosts?limit=1', h.admin);
      const cursor = String(hosts.body.nextCursor);
      expect((hosts.body.items as Json[]).map((x) => x.id)).toEqual(['node1']);
      const next = await h.call('GET', `/v1/hosts?limit=1&cursor=${cursor}`, h.admin);
      expect((next.body.items as Json[]).map((x) => x.id)).toEqual(['node2']);
      const r2 = await h.call('GET', '/v1/hosts?label=rack=r2', h.admin);
      expect((r2.body.items as Json[]).map((x) => x.id)).toEqual(['node2']);

      const field = async (path: string) => {
        const r = await h.call('GET', path, h.admin);
        expect(r.status, path).toBe(400);
        expect(r.body.code).toBe('INVALID_INPUT');
        return (r.body.details as { field?: string }).field;
      };
      for (const bad of ['0', '1001', 'abc', '2.5', '-1'])
        expect(await field(`/v1/hosts?limit=${bad}`)).toBe('query.limit');
      const forged = Buffer.from(JSON.stringify(['hosts', 1])).toString('base64url');
      const stamp = Buffer.from(JSON.stringify(['specs', 'yesterday', 'x'])).toString('base64url');
      for (const bad of ['%%%', 'bm90IGpzb24', forged])
        expect(await field(`/v1/hosts?cursor=${bad}`)).toBe('query.cursor');
      // A cursor of another list, and a forged timestamp, never reach the database.
      expect(await field(`/v1/networks?cursor=${cursor}`)).toBe('query.cursor');
      expect(await field(`/v1/specs?cursor=${stamp}`)).toBe('query.cursor');
      expect(await field('/v1/hosts?label=norack')).toBe('query.label');
    } finally {
      await h.close();
    }
  }, 60_000);
});
