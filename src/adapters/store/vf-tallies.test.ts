import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapacityView, HostDetailView } from '../../api/answers.js';
import { startHarness } from '../../testing/controller-harness.js';
import type { Harness, Json } from '../../testing/controller-harness.js';
import { applyDesired, basicCatalog, joinHost, reportHost } from '../../testing/fleet-sim.js';
import type { SimHostSpec } from '../../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../../testing/store-targets.js';

afterAll(stopPgCluster);

interface Cell {
  host_id: string;
  pf_id: number;
  physnet: string | null;
  numa_node: number | null;
  handed: boolean;
  total: number;
  free: number;
  reserved: number;
  allocated: number;
  quarantined: number;
  dirty: number;
}

const order = (cells: Cell[]) =>
  cells
    .map((c) => ({
      ...c,
      key: JSON.stringify([c.host_id, c.pf_id, c.physnet, c.numa_node, c.handed]),
    }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/** Every VF row counted afresh, per host and cell: what the tallies must hold at every moment. */
async function recount(h: Harness): Promise<Cell[]> {
  const { rows } = await sql<Cell>`
    select host_id, pf_id, physnet, numa_node, coalesce(owner, 'vfleet') <> 'vfleet' as handed,
      count(*)::int as total,
      (count(*) filter (where state = 'free' and not dirty))::int as free,
      (count(*) filter (where state = 'reserved'))::int as reserved,
      (count(*) filter (where state = 'allocated'))::int as allocated,
      (count(*) filter (where state = 'quarantined'))::int as quarantined,
      (count(*) filter (where state = 'free' and dirty))::int as dirty
    from vfs group by 1, 2, 3, 4, 5`.execute(h.store.db);
  return order(rows);
}

async function tallies(h: Harness): Promise<Cell[]> {
  const rows = await h.store.db.selectFrom('vf_tallies').selectAll().execute();
  return order(rows);
}

/** The tallies equal a full count, with no empty cell left behind; the capacity answer adds them up. */
async function expectExact(h: Harness, what: string): Promise<Cell[]> {
  const full = await recount(h);
  expect(await tallies(h), what).toEqual(full);
  const cap = (await h.call('GET', '/v1/capacity', h.admin)).body as unknown as CapacityView;
  const vfleet = full.filter((c) => !c.handed);
  const sum = (k: 'total' | 'free' | 'reserved' | 'allocated' | 'quarantined' | 'dirty') =>
    vfleet.reduce((n, c) => n + c[k], 0);
  const capSum = (k: 'total' | 'free' | 'reserved' | 'allocated' | 'quarantined' | 'dirty') =>
    cap.physnets.reduce((n, p) => n + p[k], 0);
  for (const k of ['total', 'free', 'reserved', 'allocated', 'quarantined', 'dirty'] as const)
    expect(capSum(k), `${what}: capacity ${k}`).toBe(sum(k));
  expect(
    cap.physnets.reduce((n, p) => n + p.handedOver, 0),
    `${what}: handed over`,
  ).toBe(full.filter((c) => c.handed).reduce((n, c) => n + c.total, 0));
  return full;
}

const must = async (r: Promise<{ status: number; body: Json }>, status: number, what: string) => {
  const res = await r;
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
};

describe.each(STORE_KINDS)('vf_tallies on %s', (kind) => {
  let h: Harness;
  const one: SimHostSpec = { name: 'hv-1', pfs: 2, vfsPerPf: 4, pfNuma: (i) => i };
  const two: SimHostSpec = { name: 'hv-2', pfs: 1, vfsPerPf: 4, pfNuma: () => null };
  let agent1 = '';
  beforeAll(async () => {
    h = await startHarness(kind);
  }, 120_000);
  afterAll(() => h.close());

  it(
    'equal a full count of the VF rows after reports, claims, releases, quarantines, owner changes and removals',
    { timeout: 120_000 },
    async () => {
      await basicCatalog(h, 4);
      agent1 = await joinHost(h, one);
      await joinHost(h, two, 0x20);
      let full = await expectExact(h, 'joined');
      expect(full.reduce((n, c) => n + c.free, 0)).toBe(12);

      const ports = [{ network: 'blue' }, { network: 'blue' }];
      const a = await must(
        h.call('POST', '/v1/instances', h.admin, {
          name: 'a',
          tenant: 'acme',
          vcpus: 1,
          memoryMb: 128,
          hostLabels: {},
          ports,
        }),
        201,
        'claim a',
      );
      full = await expectExact(h, 'claimed');
      expect(full.reduce((n, c) => n + c.reserved, 0)).toBe(2);

      const host = String((a.ports as Json[])[0]?.host);
      if (host === 'hv-1') await applyDesired(h, agent1, 'hv-1');
      else await applyDesired(h, await h.token('agent', { host }), host);
      full = await expectExact(h, 'applied');
      expect(full.reduce((n, c) => n + c.allocated, 0)).toBe(2);

      await must(h.call('DELETE', `/v1/instances/${String(a.id)}`, h.admin), 204, 'release a');
      full = await expectExact(h, 'released');
      expect(full.reduce((n, c) => n + c.dirty, 0)).toBe(2);

      // The agent resets the dirty VFs, and fails to set one free VF of hv-1: quarantined.
      const d = (await h.call('GET', '/v1/hosts/hv-1', h.admin)).body as unknown as HostDetailView;
      const failed = d.pfs[1]?.vfs[3]?.pciAddress ?? '';
      await applyDesired(h, agent1, 'hv-1', [failed]);
      if (host !== 'hv-1') await applyDesired(h, await h.token('agent', { host }), host);
      full = await expectExact(h, 'quarantined');
      expect(full.reduce((n, c) => n + c.quarantined, 0)).toBe(1);

      // Handed to OpenStack: the same VFs move to the handed cells.
      const specs = (await h.call('GET', '/v1/specs', h.admin)).body.items as Json[];
      await must(
        h.call('PATCH', `/v1/specs/${String(specs[0]?.id)}`, h.admin, { owner: 'openstack' }),
        200,
        'owner openstack',
      );
      full = await expectExact(h, 'handed over');
      expect(full.some((c) => c.handed && c.total > 0)).toBe(true);
      await must(
        h.call('PATCH', `/v1/specs/${String(specs[0]?.id)}`, h.admin, { owner: 'vfleet' }),
        200,
        'owner vfleet',
      );
      full = await expectExact(h, 'taken back');
      expect(full.every((c) => !c.handed)).toBe(true);

      // A report with fewer VFs removes rows; one statement across both hosts moves many.
      await reportHost(h, agent1, { ...one, vfsPerPf: 2 });
      await expectExact(h, 'fewer VFs reported');
      await sql`update vfs set physnet = null, numa_node = 7 where vf_index = 0`.execute(
        h.store.db,
      );
      await expectExact(h, 'many hosts in one statement');
      await sql`delete from vfs where host_id = 'hv-2'`.execute(h.store.db);
      full = await expectExact(h, 'a host without VFs');
      expect(full.some((c) => c.host_id === 'hv-2')).toBe(false);
    },
  );
});
