import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapacityView, HostDetailView, HostSummaryView } from '../../api/answers.js';
import { HOST_HEALTHS } from '../../core/fleet/model.js';
import { startHarness } from '../../testing/controller-harness.js';
import type { Harness, Json } from '../../testing/controller-harness.js';
import { simInventory } from '../../testing/fleet-sim.js';
import { startQueryFleet } from '../../testing/query-fleet.js';
import { STORE_KINDS, stopPgCluster } from '../../testing/store-targets.js';

afterAll(stopPgCluster);

describe.each(STORE_KINDS)('GET /v1/capacity on %s', (kind) => {
  let h: Harness;
  let tenant = '';
  beforeAll(async () => {
    h = await startHarness(kind);
    tenant = (await startQueryFleet(h)).acme;
    // An ixgbe host no spec selects: its VFs have no physnet.
    const agent = await h.token('agent', { host: 'hv-x' });
    await h.call('POST', '/v1/agent/register', agent, { host: 'hv-x' });
    const inv = simInventory({ name: 'hv-x', pfs: 1, vfsPerPf: 2, pfNuma: () => null }, 0x40);
    const pfs = (inv.pfs as Json[]).map((pf) => ({ ...pf, driver: 'ixgbe', deviceId: '10fb' }));
    const r = await h.call('POST', '/v1/agent/hosts/hv-x/report', agent, {
      inventory: { pfs },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }, 120_000);
  afterAll(() => h.close());

  it("adds up every host's map: VFs by state per physnet and NUMA node, hosts by health", async () => {
    const r = await h.call('GET', '/v1/capacity', h.admin);
    expect(r.status).toBe(200);
    const cap = r.body as unknown as CapacityView;

    const hosts = (await h.call('GET', '/v1/hosts?limit=1000', h.admin)).body
      .items as HostSummaryView[];
    const cells = new Map<string, Json>();
    const physnets = new Map<string, Json>();
    const zero = () => ({
      total: 0,
      free: 0,
      reserved: 0,
      allocated: 0,
      quarantined: 0,
      dirty: 0,
      handedOver: 0,
    });
    // A VF handed to another owner counts only as handedOver.
    const count = (m: Map<string, Json>, key: Json, bucket: string) => {
      const k = JSON.stringify(key);
      const c = m.get(k) ?? { ...key, ...zero() };
      if (bucket !== 'handedOver') c.total = Number(c.total) + 1;
      c[bucket] = Number(c[bucket]) + 1;
      m.set(k, c);
    };
    for (const host of hosts) {
      const d = (await h.call('GET', `/v1/hosts/${host.id}`, h.admin)).body as HostDetailView;
      for (const pf of d.pfs)
        for (const v of pf.vfs) {
          const bucket =
            v.owner !== null && v.owner !== 'vfleet'
              ? 'handedOver'
              : v.state === 'free' && v.dirty
                ? 'dirty'
                : v.state;
          count(cells, { physnet: v.physnet, numaNode: pf.numaNode }, bucket);
          count(physnets, { physnet: v.physnet }, bucket);
        }
    }
    const sorted = (m: Map<string, Json>) =>
      [...m.values()].sort((a, b) =>
        JSON.stringify([a.physnet ?? '', a.numaNode ?? -1]) <
        JSON.stringify([b.physnet ?? '', b.numaNode ?? -1])
          ? -1
          : 1,
      );
    expect(sorted(new Map(cap.numaNodes.map((c) => [JSON.stringify(c), c])))).toEqual(
      sorted(cells),
    );
    expect(sorted(new Map(cap.physnets.map((c) => [JSON.stringify(c), c])))).toEqual(
      sorted(physnets),
    );
    // What the fleet holds, so the sums above cannot pass on an empty answer.
    expect(cap.physnets.map((p) => p.physnet).sort()).toEqual([null, 'p1'].sort());
    expect(cap.numaNodes.some((c) => c.numaNode === null)).toBe(true);
    expect(cap.physnets.find((p) => p.physnet === 'p1')).toMatchObject({
      allocated: 1,
      reserved: 1,
      dirty: 1,
    });

    expect(cap.hosts.total).toBe(hosts.length);
    expect(cap.hosts.ready).toBe(hosts.filter((x) => x.ready).length);
    expect(cap.hosts.byHealth).toEqual(
      Object.fromEntries(
        HOST_HEALTHS.map((health) => [health, hosts.filter((x) => x.health === health).length]),
      ),
    );
    expect(Object.values(cap.hosts.byHealth).every((n) => n > 0)).toBe(true);
  });

  it('is for admins only', async () => {
    const r = await h.call('GET', '/v1/capacity', tenant);
    expect(r.status).toBe(403);
  });
});
