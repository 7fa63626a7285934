import { afterAll, describe, expect, it } from 'vitest';
import { CLAIM_MODES, startHarness } from '../testing/controller-harness.js';
import type { Harness } from '../testing/controller-harness.js';
import { countClaimLosses } from '../testing/claim-losses.js';
import { joinHost } from '../testing/fleet-sim.js';
import { stopPgCluster } from '../testing/store-targets.js';

afterAll(stopPgCluster);

const HOSTS = 5;
const WHOLE_PFS = HOSTS * 2;
const REQUESTS = 40;

/** 5 hosts x 2 PFs, every PF offered whole on physnet p1 (no VFs anywhere). */
async function wholeFleet(h: Harness): Promise<void> {
  const steps: [string, unknown][] = [
    ['/v1/physnets', { name: 'p1', vlanRanges: [{ min: 100, max: 199 }] }],
    ['/v1/specs', { name: 'whole', vendor: '8086', physnet: 'p1', wholePf: true }],
    ['/v1/networks', { name: 'blue', physnet: 'p1', tenant: 'acme' }],
  ];
  for (const [path, body] of steps) {
    const r = await h.call('POST', path, h.admin, body);
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  for (let i = 0; i < HOSTS; i++) await joinHost(h, { name: `node${i}`, pfs: 2, vfsPerPf: 0 });
}

const instance = (i: number) => ({
  name: `vm${i}`,
  vcpus: 1,
  memoryMb: 256,
  numaPolicy: 'legacy',
  tenant: 'acme',
  ports: [{ network: 'blue', vnicType: 'direct-physical' }],
});

describe.each(CLAIM_MODES)('concurrent whole-PF claims on $name', ({ kind, options }) => {
  it(`${REQUESTS} parallel requests for ${WHOLE_PFS} whole PFs: exactly ${WHOLE_PFS} win, each PF once`, async () => {
    const h = await startHarness(kind, {}, 20, options);
    try {
      await wholeFleet(h);
      const losses = countClaimLosses(h.store);
      const results = await Promise.all(
        Array.from({ length: REQUESTS }, (_, i) =>
          h.call('POST', '/v1/instances', h.admin, instance(i)),
        ),
      );
      const ok = results.filter((r) => r.status === 201);
      expect(ok).toHaveLength(WHOLE_PFS);
      for (const r of results.filter((x) => x.status !== 201)) {
        expect(r.status).toBe(409);
        expect(r.body.code).toBe('NO_CAPACITY');
      }
      const pfs = ok.flatMap((r) =>
        (r.body.ports as { host: string; pciAddress: string }[]).map(
          (p) => `${p.host}/${p.pciAddress}`,
        ),
      );
      expect(new Set(pfs).size).toBe(WHOLE_PFS);
      // The store agrees: every PF held once, by a port of a winning instance.
      const held = await h.store.db
        .selectFrom('pfs')
        .innerJoin('ports', 'ports.id', 'pfs.port_id')
        .select(['pfs.id', 'ports.instance_id'])
        .where('pfs.state', '=', 'reserved')
        .execute();
      expect(held).toHaveLength(WHOLE_PFS);
      expect(new Set(held.map((r) => r.instance_id))).toEqual(
        new Set(ok.map((r) => r.body.id as string)),
      );
      // Without the queue, stale placements reached the claim, whose SQL refused them.
      if (!options.serializeClaims) expect(losses.get('vfs')).toBeGreaterThan(0);
    } finally {
      await h.close();
    }
  }, 120_000);
});
