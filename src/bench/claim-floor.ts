import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { openStore, type OpenedStore } from '../adapters/store/open-store.js';
import type { ClaimInput } from '../core/fleet/claim-store.js';
import { startPgCluster } from '../testing/pg-cluster.js';
import { seedFleet } from './fleet-seed.js';
import { round } from './stats.js';

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;

/**
 * The database's floor for a claim: the claim transaction's own statements
 * (store.claims.claim, the same code the controller runs), straight through
 * pg on a durable cluster, no HTTP, no auth, no scheduler: each client
 * claims one VF on hosts of its own, round robin. What the controller adds
 * on top is the rest of a request's cost.
 */
async function floorLoad(store: OpenedStore, clients: number, perClient: number) {
  const network = await store.catalog.networkByName('bench', 'blue');
  if (network === null) throw new Error('no network blue');
  const pfs = await sql<{ id: number; host_id: string; numa_node: number }>`
    select id, host_id, numa_node from pfs order by host_id, id`.execute(store.db);
  const now = new Date().toISOString();
  const latencies: number[] = [];
  let n = 0;
  const t0 = performance.now();
  const client = async (k: number) => {
    for (let i = 0; i < perClient; i++) {
      // Client k only ever uses PFs k, k + clients, ...: no two clients share a host.
      const pf = pfs.rows[(k + i * clients) % pfs.rows.length];
      if (pf === undefined) throw new Error('no PF');
      const id = randomUUID();
      const c: ClaimInput = {
        id,
        name: `floor${n++}`,
        tenant: 'bench',
        vcpus: 1,
        memoryMb: 256,
        numaPolicy: 'preferred',
        hostLabels: {},
        placement: {
          hostId: pf.host_id,
          numaNode: pf.numa_node,
          ports: [{ pfId: pf.id, physnet: 'p1', vfTrusted: false }],
        },
        ports: [
          {
            id: randomUUID(),
            network,
            vnicType: 'direct',
            mac: `fa:16:3e:${[0, 0, 0]
              .map(() =>
                Math.floor(Math.random() * 256)
                  .toString(16)
                  .padStart(2, '0'),
              )
              .join(':')}`,
            macGenerated: true,
            trusted: false,
            spoofchk: true,
            maxTxRate: 0,
            minTxRate: 0,
          },
        ],
        now,
        reservedUntil: new Date(Date.now() + 600_000).toISOString(),
        staleBefore: new Date(Date.now() - 3_600_000).toISOString(),
      };
      const started = performance.now();
      const r = await store.claims.claim(c);
      latencies.push(performance.now() - started);
      if (!r.ok) throw new Error(`floor claim lost: ${r.lost}`);
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, k) => client(k)));
  const wall = (performance.now() - t0) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    clients,
    claims: latencies.length,
    p50Ms: round(quantile(sorted, 0.5)),
    p99Ms: round(quantile(sorted, 0.99)),
    claimsPerSecond: round(latencies.length / wall),
  };
}

/** `claimFloor`: the claim's statements alone at 1 and 8 connections, 1,000 hosts, durable PostgreSQL. */
export async function claimFloorBench(hosts = 1000) {
  const cluster = await startPgCluster({ durable: true });
  try {
    const url = await cluster.createDatabase(`floor_${randomUUID().replace(/-/g, '')}`);
    const store = await openStore({ kind: 'postgres', url, poolSize: 10 });
    try {
      await seedFleet(store, {
        hosts,
        pfsPerHost: 2,
        vfsPerPf: 64,
        cpusPerNode: 64,
        now: new Date().toISOString(),
      });
      await floorLoad(store, 1, 20);
      return {
        fleet: `${hosts.toLocaleString('en')} hosts x 2 PFs x 64 VFs on durable PostgreSQL, no HTTP`,
        oneConnection: await floorLoad(store, 1, 200),
        eightConnections: await floorLoad(store, 8, 100),
      };
    } finally {
      await store.close();
    }
  } finally {
    await cluster.stop();
  }
}
