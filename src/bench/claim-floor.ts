import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { openStore, type OpenedStore } from '../adapters/store/open-store.js';
import { cryptoIds } from '../bin/real-world.js';
import { newMac } from '../controller/instances/create-instance.js';
import type { ClaimInput } from '../core/fleet/claim-store.js';
import { startPgCluster } from '../testing/pg-cluster.js';
import { pgliteTemplate } from '../testing/pglite-template.js';
import { seedFleet } from './fleet-seed.js';
import { httpFloor } from './http-floor.js';
import { quantile, round } from './stats.js';

/**
 * The database's floor for a claim: the claim transaction's own statements
 * (store.claims.claim, the same code the controller runs), straight through
 * the store (pg on a durable cluster, or PGlite), no HTTP, no auth, no
 * scheduler: each client claims `ports` VFs, one on each of as many PFs of
 * one host, on hosts of its own, round robin. What the controller adds on
 * top is the rest of a request's cost.
 */
async function floorLoad(store: OpenedStore, clients: number, perClient: number, ports = 1) {
  const network = await store.catalog.networkByName('bench', 'blue');
  if (network === null) throw new Error('no network blue');
  const pfRows = await sql<{ id: number; host_id: string; numa_node: number }>`
    select id, host_id, numa_node from pfs order by host_id, id`.execute(store.db);
  // Groups of `ports` PFs of one host (the seed gives each host a multiple of them).
  const groups: (typeof pfRows.rows)[] = [];
  for (let i = 0; i + ports <= pfRows.rows.length; i += ports) {
    const g = pfRows.rows.slice(i, i + ports);
    if (g.every((p) => p.host_id === g[0]?.host_id)) groups.push(g);
  }
  const now = new Date().toISOString();
  const latencies: number[] = [];
  let n = 0;
  const t0 = performance.now();
  const client = async (k: number) => {
    for (let i = 0; i < perClient; i++) {
      // Client k only ever uses groups k, k + clients, ...: no two clients share a host.
      const group = groups[(k + i * clients) % groups.length];
      const pf = group?.[0];
      if (group === undefined || pf === undefined) throw new Error('no PF');
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
          ports: group.map((p) => ({ pfId: p.id, physnet: 'p1', vfTrusted: false })),
        },
        ports: group.map(() => ({
          id: randomUUID(),
          network,
          vnicType: 'direct' as const,
          mac: newMac(cryptoIds),
          macGenerated: true,
          trusted: false,
          spoofchk: true,
          maxTxRate: 0,
          minTxRate: 0,
        })),
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

/**
 * `claimFloor`: the claim's statements alone, 1,000 hosts. P1's shape (2
 * PFs x 64 VFs, one VF) at 1 and 8 connections on durable PostgreSQL and on
 * PGlite (P1e); P2's (8 PFs x 64 VFs, 8 VFs on the 8 PFs of one host) on
 * durable PostgreSQL, beside 1 VF on the same fleet. And a bare HTTP round
 * trip: with the statements, the least any HTTP claim can take here.
 */
export async function claimFloorBench(hosts = 1000) {
  const fleet = (pfs: number, on: string) =>
    `${hosts.toLocaleString('en')} hosts x ${String(pfs)} PFs x 64 VFs on ${on}, no HTTP`;
  const postgres = await onDurablePostgres(hosts, 2, async (store) => ({
    fleet: fleet(2, 'durable PostgreSQL'),
    oneConnection: await floorLoad(store, 1, 200),
    eightConnections: await floorLoad(store, 8, 100),
  }));
  const eightPfs = await onDurablePostgres(hosts, 8, async (store) => ({
    fleet: fleet(8, 'durable PostgreSQL'),
    eightVfsOnEightPfs: await floorLoad(store, 1, 100, 8),
    oneVf: await floorLoad(store, 1, 100),
  }));
  const pglite = await onPglite(hosts, async (store) => ({
    fleet: fleet(2, 'PGlite'),
    oneConnection: await floorLoad(store, 1, 200),
    eightConnections: await floorLoad(store, 8, 100),
  }));
  // One HTTP round trip with nothing behind it, at about the sizes of a claim's request and
  // answer (1 port: 0.1 KB in, 0.9 KB out; 8 ports: 0.35 KB in, 4 KB out).
  const http = {
    onePort: await httpFloor({ requestBytes: 100, answerBytes: 900, n: 300 }),
    eightPorts: await httpFloor({ requestBytes: 350, answerBytes: 4000, n: 300 }),
  };
  return { ...postgres, eightPfs, pglite, http };
}

async function seeded<T>(store: OpenedStore, hosts: number, pfs: number, run: () => Promise<T>) {
  await seedFleet(store, {
    hosts,
    pfsPerHost: pfs,
    vfsPerPf: 64,
    cpusPerNode: 64,
    now: new Date().toISOString(),
  });
  // Warm-up: the first claims pay for plans and caches.
  await floorLoad(store, 1, 20);
  return run();
}

async function onDurablePostgres<T>(
  hosts: number,
  pfs: number,
  run: (store: OpenedStore) => Promise<T>,
): Promise<T> {
  const cluster = await startPgCluster({ durable: true });
  try {
    const url = await cluster.createDatabase(`floor_${randomUUID().replace(/-/g, '')}`);
    const store = await openStore({ kind: 'postgres', url, poolSize: 10 });
    try {
      return await seeded(store, hosts, pfs, () => run(store));
    } finally {
      await store.close();
    }
  } finally {
    await cluster.stop();
  }
}

async function onPglite<T>(hosts: number, run: (store: OpenedStore) => Promise<T>): Promise<T> {
  const store = await openStore({ kind: 'pglite', template: await pgliteTemplate() });
  try {
    return await seeded(store, hosts, 2, () => run(store));
  } finally {
    await store.close();
  }
}
