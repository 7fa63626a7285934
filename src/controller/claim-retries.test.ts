import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { cryptoIds } from '../bin/real-world.js';
import type { IdSource } from './controller-deps.js';
import { countClaimLosses } from '../testing/claim-losses.js';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness } from '../testing/controller-harness.js';
import { basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';

/**
 * The 3 random bytes of the next generated MACs (fa:16:3e:xx:xx:xx), in
 * order; other random bytes (token secrets) and ids stay random.
 */
const macBytes: number[][] = [];
const scriptedMacs: IdSource = {
  uuid: () => cryptoIds.uuid(),
  bytes: (n) => {
    const next = n === 3 ? macBytes.shift() : undefined;
    return next === undefined ? cryptoIds.bytes(n) : Uint8Array.from(next);
  },
};

afterAll(stopPgCluster);
beforeEach(() => {
  macBytes.length = 0;
});

const instance = (name: string, ports: Record<string, unknown>[] = [{}]) => ({
  name,
  vcpus: 1,
  memoryMb: 256,
  tenant: 'acme',
  ports: ports.map((p) => ({ network: 'blue', vnicType: 'direct', ...p })),
});

const macsOf = (body: Record<string, unknown>) =>
  (body.ports as { mac: string }[]).map((p) => p.mac);

async function withFleet(kind: (typeof STORE_KINDS)[number], body: (h: Harness) => Promise<void>) {
  const h = await startHarness(kind, {}, undefined, {
    ids: scriptedMacs,
  });
  try {
    await basicCatalog(h, 4);
    await joinHost(h, { name: 'node0', pfs: 1, vfsPerPf: 4 });
    await body(h);
  } finally {
    await h.close();
  }
}

describe.each(STORE_KINDS)('claims that lose and try again, on %s', (kind) => {
  it('a generated MAC that clashes with a port of another instance is generated again', async () => {
    await withFleet(kind, async (h) => {
      macBytes.push([0, 0, 1]);
      const first = await h.call('POST', '/v1/instances', h.admin, instance('vm1'));
      expect(first.status).toBe(201);
      expect(macsOf(first.body)).toEqual(['fa:16:3e:00:00:01']);

      const losses = countClaimLosses(h.store);
      // The second instance draws the first one's MAC, then another.
      macBytes.push([0, 0, 1], [0, 0, 2]);
      const second = await h.call('POST', '/v1/instances', h.admin, instance('vm2'));
      expect(second.status).toBe(201);
      expect(macsOf(second.body)).toEqual(['fa:16:3e:00:00:02']);
      expect([...losses]).toEqual([['mac', 1]]);
      expect(macBytes).toEqual([]);
    });
  }, 120_000);

  it('a MAC given in the request that another port holds is a CONFLICT naming that port', async () => {
    await withFleet(kind, async (h) => {
      macBytes.push([0, 0, 1]);
      expect((await h.call('POST', '/v1/instances', h.admin, instance('vm1'))).status).toBe(201);
      const r = await h.call(
        'POST',
        '/v1/instances',
        h.admin,
        instance('vm2', [{ mac: 'fa:16:3e:00:00:09' }, { mac: 'fa:16:3e:00:00:01' }]),
      );
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('CONFLICT');
      expect(r.body.details).toMatchObject({ field: 'ports[1].mac' });
      expect(String(r.body.message)).toContain('fa:16:3e:00:00:01');
    });
  }, 120_000);

  it('a host gone stale since the view read it is not offered: NO_CAPACITY says why', async () => {
    await withFleet(kind, async (h) => {
      expect((await h.call('POST', '/v1/instances', h.admin, instance('vm1'))).status).toBe(201);
      h.clock += h.deps.config.staleAfterMs + 1;
      const losses = countClaimLosses(h.store);
      // The view holds node0's last sighting and judges it per request: no claim is tried.
      const r = await h.call('POST', '/v1/instances', h.admin, instance('vm2'));
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('NO_CAPACITY');
      expect(String(r.body.message)).toContain('1 unhealthy or not seen lately');
      expect([...losses]).toEqual([]);
      const listed = (await h.call('GET', '/v1/instances', h.admin)).body.items as {
        name: string;
      }[];
      expect(listed.map((i) => i.name)).toEqual(['vm1']);
    });
  }, 120_000);
});
