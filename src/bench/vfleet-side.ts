import type { z } from 'zod';
import { openStore, type OpenedStore } from '../adapters/store/open-store.js';
import type { instanceCreateSchema } from '../api/schemas/instances.js';
import type { PgCluster } from '../testing/pg-cluster.js';
import { onController } from './claim-bench.js';
import { claimLoad, type LoadResult } from './claim-load.js';
import { seedKitShapedFleet } from './side-by-side-fleet.js';
import type { VfleetSize } from './side-by-side.js';

type CreateInstance = z.input<typeof instanceCreateSchema>;

// The kit's request: VCPU:1, MEMORY_MB:512 and one VF on physnet1 (network blue is on p1).
const oneVf = (n: number): CreateInstance => ({
  name: `sbs${n}`,
  vcpus: 1,
  memoryMb: 512,
  tenant: 'bench',
  ports: [{ network: 'blue' }],
});

// 8 VFs, each on its own PF of one host (the kit's k=8 isolated groups).
const eightVfsOnEightPfs = (n: number): CreateInstance => ({
  ...oneVf(n),
  numaPolicy: 'preferred',
  distinctPfs: true,
  ports: Array.from({ length: 8 }, () => ({ network: 'blue' })),
});

const MAX_MS = 60_000;

async function onDatabase<T>(
  cluster: PgCluster,
  name: string,
  run: (s: OpenedStore) => Promise<T>,
): Promise<T> {
  const url = await cluster.createDatabase(name);
  const store = await openStore({ kind: 'postgres', url, poolSize: 10 });
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

const kitFleet = (hosts: number, pfsPerHost: number) => ({
  hosts,
  pfsPerHost,
  vfsPerPf: 64,
  // 2 NUMA nodes x 64 CPUs = the kit's VCPU 128 per host.
  cpusPerNode: 64,
});

/**
 * vfleet on the kit's 2-PF fleet, on PostgreSQL: a warm-up, then 100 claims
 * from 1 client and 200 from 8 (the kit's bounded claim counts), each a
 * POST /v1/instances (schedule + claim in one request).
 */
export async function vfleetAtSize(cluster: PgCluster, hosts: number): Promise<VfleetSize> {
  return onDatabase(cluster, `sbs_${hosts}`, async (store) => {
    const r = await onController(
      store,
      kitFleet(hosts, 2),
      async (url, token) => {
        await claimLoad(url, token, {
          clients: 1,
          perClient: 5,
          maxMs: MAX_MS,
          body: (n) => oneVf(9e6 + n),
        });
        return {
          oneClient: await claimLoad(url, token, {
            clients: 1,
            perClient: 100,
            maxMs: MAX_MS,
            body: oneVf,
          }),
          eightClients: await claimLoad(url, token, {
            clients: 8,
            perClient: 25,
            maxMs: MAX_MS,
            body: (n) => oneVf(1e6 + n),
          }),
        };
      },
      {},
      (s, spec) => seedKitShapedFleet(s, { ...spec, physnets: 2 }),
    );
    return { seedSeconds: r.seedSeconds, oneClient: r.oneClient, eightClients: r.eightClients };
  });
}

/** vfleet's 8-VFs-on-8-PFs request on `hosts` hosts of 8 PFs (all physnet1), 1 client. */
export async function vfleetEightPf(cluster: PgCluster, hosts: number): Promise<LoadResult> {
  return onDatabase(cluster, `sbs_8pf_${hosts}`, async (store) => {
    const r = await onController(
      store,
      kitFleet(hosts, 8),
      async (url, token) => {
        await claimLoad(url, token, { clients: 1, perClient: 3, maxMs: MAX_MS, body: oneVf });
        return {
          eight: await claimLoad(url, token, {
            clients: 1,
            perClient: 40,
            maxMs: MAX_MS,
            body: (n) => eightVfsOnEightPfs(1e5 + n),
          }),
        };
      },
      {},
      (s, spec) => seedKitShapedFleet(s, { ...spec, physnets: 1 }),
    );
    return r.eight;
  });
}
