import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../adapters/store/open-store.js';
import { CLAIM_MODES, harnessOn, startHarness } from '../testing/controller-harness.js';
import type { Harness } from '../testing/controller-harness.js';
import { countClaimLosses } from '../testing/claim-losses.js';
import { basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { stopPgCluster } from '../testing/store-targets.js';

afterAll(stopPgCluster);

/** 5 hosts x 2 PFs x 5 VFs = 50 free VFs on physnet p1. */
async function fleetOf50(h: Harness): Promise<void> {
  await basicCatalog(h, 5);
  for (let i = 0; i < 5; i++) await joinHost(h, { name: `node${i}`, pfs: 2, vfsPerPf: 5 });
}

const instance = (i: number) => ({
  name: `vm${i}`,
  vcpus: 1,
  memoryMb: 256,
  numaPolicy: 'legacy',
  hostLabels: {},
  tenant: 'acme',
  ports: [{ network: 'blue', vnicType: 'direct' }],
});

async function expectNoDoubleBooking(
  h: Harness,
  results: { status: number; body: Record<string, unknown> }[],
) {
  const ok = results.filter((r) => r.status === 201);
  const rejected = results.filter((r) => r.status !== 201);
  expect(ok).toHaveLength(50);
  expect(rejected).toHaveLength(150);
  for (const r of rejected) {
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('NO_CAPACITY');
  }
  const vfs = ok.flatMap((r) =>
    (r.body.ports as { host: string; pciAddress: string }[]).map(
      (p) => `${p.host}/${p.pciAddress}`,
    ),
  );
  expect(new Set(vfs).size).toBe(50);
  // The store agrees: 50 ports, each on its own VF, every VF taken once.
  const ports = (await h.call('GET', '/v1/ports', h.admin)).body.items as {
    host: string;
    pciAddress: string;
  }[];
  expect(new Set(ports.map((p) => `${p.host}/${p.pciAddress}`)).size).toBe(50);
  expect(ports).toHaveLength(50);
  const held = await h.store.db
    .selectFrom('vfs')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('state', '=', 'reserved')
    .executeTakeFirstOrThrow();
  expect(Number(held.n)).toBe(50);
}

describe.each(CLAIM_MODES)('concurrent claims on $name', ({ kind, options }) => {
  it('200 parallel requests for 50 free VFs: exactly 50 win, the rest get NO_CAPACITY', async () => {
    const h = await startHarness(kind, {}, 20, options);
    try {
      await fleetOf50(h);
      const losses = countClaimLosses(h.store);
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          h.call('POST', '/v1/instances', h.admin, instance(i)),
        ),
      );
      await expectNoDoubleBooking(h, results);
      // Without the queue, claims were made from placements other claims had
      // already taken, and only the claim's SQL turned them down.
      if (!options.serializeClaims) expect(losses.get('vfs')).toBeGreaterThan(0);
    } finally {
      await h.close();
    }
  }, 120_000);
});

describe('two controllers on one PostgreSQL', () => {
  it('never double-book across controllers', async () => {
    const a = await startHarness('postgres', {}, 10);
    let b: Harness | null = null;
    try {
      await fleetOf50(a);
      if (a.url === null) throw new Error('no database URL');
      b = await harnessOn(await openStore({ kind: 'postgres', url: a.url, poolSize: 10 }), a.url);
      const second = b;
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          (i % 2 === 0 ? a : second).call('POST', '/v1/instances', a.admin, instance(i)),
        ),
      );
      await expectNoDoubleBooking(a, results);
    } finally {
      await b?.close();
      await a.close();
    }
  }, 120_000);
});
