import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type OpenedStore } from '../adapters/store/open-store.js';
import { DEFAULT_CONFIG, type ControllerConfig } from '../controller/controller-deps.js';
import { UNLIMITED_QUOTAS } from '../core/fleet/quota.js';
import { runController } from '../controller/run-controller.js';
import { startPgCluster } from '../testing/pg-cluster.js';
import { pgliteTemplate } from '../testing/pglite-template.js';
import { claimLoad } from './claim-load.js';
import { withCpuSplit } from './cpu-split.js';
import { seedFleet, type SeedSpec } from './fleet-seed.js';
import type { FleetSource } from './fleet-source.js';
import { onSimulatedClaimFleet } from './simulated-claim-fleet.js';
import { scheduleCost } from './schedule-cost.js';
import { round } from './stats.js';
import { realWorld } from '../bin/real-world.js';

export type Fleet = Omit<SeedSpec, 'now'>;

const oneVf = (n: number) => ({
  name: `vm${n}`,
  vcpus: 1,
  memoryMb: 256,
  tenant: 'bench',
  ports: [{ network: 'blue' }],
});

const eightVfsOnEightPfs = (n: number) => ({
  ...oneVf(n),
  // Half the PFs are on each NUMA node: 8 distinct PFs span both.
  numaPolicy: 'preferred',
  distinctPfs: true,
  ports: Array.from({ length: 8 }, () => ({ network: 'blue' })),
});

/**
 * Seeds `fleet` into `store`, serves it with a real controller on
 * 127.0.0.1 (its clock held at the seeding time: no agent heartbeats here)
 * and hands `measure` the URL and admin token.
 */
export async function onController<T>(
  store: OpenedStore,
  fleet: Fleet,
  measure: (url: string, token: string) => Promise<T>,
  config: Partial<ControllerConfig> = {},
  // The side-by-side with Placement seeds the kit's physnet layout instead.
  seed: (store: OpenedStore, spec: SeedSpec) => Promise<void> = seedFleet,
): Promise<{ seedSeconds: number; vfs: number } & T> {
  const dir = await mkdtemp(join(tmpdir(), 'vfleet-bench-'));
  const now = Date.now();
  const t0 = performance.now();
  await seed(store, { ...fleet, now: new Date(now).toISOString() });
  const seedSeconds = round((performance.now() - t0) / 1000);
  const logs: string[] = [];
  const ctl = await runController({
    ...realWorld,
    store,
    host: '127.0.0.1',
    port: 0,
    adminTokenFile: join(dir, 'admin-token'),
    // Hundreds of instances for one tenant: the bench measures claims, not quotas.
    config: { ...DEFAULT_CONFIG, quotas: UNLIMITED_QUOTAS, ...config },
    now: () => now,
    log: (l) => logs.push(l),
    serializeClaims: store.embedded,
  });
  try {
    const token = (await readFile(join(dir, 'admin-token'), 'utf8')).trim();
    const result = await measure(ctl.url, token);
    // Every recorded event is also a log line (`event id=…`): those are the fleet's journal, not errors.
    const errors = logs.filter((l) => !l.startsWith('event '));
    if (errors.length > 0)
      throw new Error(`controller errors during the bench: ${errors.join('; ')}`);
    return { seedSeconds, vfs: fleet.hosts * fleet.pfsPerHost * fleet.vfsPerPf, ...result };
  } finally {
    await ctl.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Warm-up, then 1 client and 8 clients claiming one VF per request. */
const oneAndEight = async (url: string, token: string, ctl?: { pid: number }) => {
  await claimLoad(url, token, {
    clients: 1,
    perClient: 5,
    maxMs: 60_000,
    body: (n) => oneVf(1e6 + n),
  });
  const ctlPid = ctl?.pid ?? null;
  return {
    oneClient: await withCpuSplit(ctlPid, () =>
      claimLoad(url, token, { clients: 1, perClient: 100, maxMs: 60_000, body: oneVf }),
    ),
    eightClients: await withCpuSplit(ctlPid, () =>
      claimLoad(url, token, {
        clients: 8,
        perClient: 40,
        maxMs: 60_000,
        body: (n) => oneVf(1e5 + n),
      }),
    ),
  };
};

const describeFleet = (f: Fleet, store: string) =>
  `${f.hosts.toLocaleString('en')} hosts x ${f.pfsPerHost} PFs x ${f.vfsPerPf} VFs on ${store}`;

async function onPostgres<T>(fleet: Fleet, run: (store: OpenedStore) => Promise<T>): Promise<T> {
  // Durable commits (fsync, synchronous_commit on): a claim's figure includes its WAL flush.
  const cluster = await startPgCluster({ durable: true });
  try {
    const url = await cluster.createDatabase(`bench_${randomUUID().replace(/-/g, '')}`);
    const store = await openStore({ kind: 'postgres', url, poolSize: 10 });
    try {
      return await run(store);
    } finally {
      await store.close();
    }
  } finally {
    await cluster.stop();
  }
}

async function onPglite<T>(run: (store: OpenedStore) => Promise<T>): Promise<T> {
  const store = await openStore({ kind: 'pglite', template: await pgliteTemplate() });
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

/**
 * `fleet` on `store`, made by `source`: joined by simulated agents to a
 * controller child (the default), or seeded with SQL and served in process
 * with a frozen clock (a quick profile). The result says which.
 */
async function served<T extends object>(
  source: FleetSource,
  store: 'postgres' | 'pglite',
  fleet: Fleet,
  measure: (url: string, token: string, ctl?: { pid: number }) => Promise<T>,
) {
  if (source === 'agents') {
    return onSimulatedClaimFleet(
      fleet,
      {
        store,
        joinTimeoutMs: 1_200_000,
        onProgress: (n) => {
          if (n % 500 === 0 || n === fleet.hosts)
            process.stderr.write(`claims: ${n}/${fleet.hosts} hosts joined\n`);
        },
      },
      measure,
    );
  }
  const run = (s: OpenedStore) => onController(s, fleet, measure);
  const seeded = await (store === 'postgres' ? onPostgres(fleet, run) : onPglite(run));
  return { fleetSource: 'SQL seeding' as const, ...seeded };
}

/** Schedule-and-claim at 1,000 hosts on the embedded store. */
export async function claimsPgliteBench(source: FleetSource = 'agents') {
  const fleet: Fleet = { hosts: 1000, pfsPerHost: 2, vfsPerPf: 64, cpusPerNode: 64 };
  return {
    fleet: describeFleet(fleet, 'PGlite'),
    ...(await served(source, 'pglite', fleet, oneAndEight)),
  };
}

/** Schedule-and-claim at 10,000 hosts x 2 PFs x 64 VFs on PostgreSQL (fewer for a quick profile). */
export async function claimsPostgresBench(hosts = 10_000, source: FleetSource = 'agents') {
  const fleet: Fleet = { hosts, pfsPerHost: 2, vfsPerPf: 64, cpusPerNode: 64 };
  return {
    fleet: describeFleet(fleet, 'PostgreSQL'),
    ...(await served(source, 'postgres', fleet, oneAndEight)),
  };
}

/**
 * The request that took Placement 12 s per candidate query: 8 VFs, each on
 * its own PF, on hosts with 8 PFs; beside it the same fleet's 1-VF request.
 */
export async function eightPfBench(source: FleetSource = 'agents') {
  const fleet: Fleet = { hosts: 1000, pfsPerHost: 8, vfsPerPf: 64, cpusPerNode: 64 };
  return {
    schedulerOnly: await scheduleCost(10_000, 8),
    fleet: describeFleet(fleet, 'PostgreSQL'),
    ...(await served(source, 'postgres', fleet, async (url, token) => {
      await claimLoad(url, token, { clients: 1, perClient: 3, maxMs: 60_000, body: oneVf });
      return {
        eightVfsOnEightPfs: await claimLoad(url, token, {
          clients: 1,
          perClient: 40,
          maxMs: 60_000,
          body: eightVfsOnEightPfs,
        }),
        oneVf: await claimLoad(url, token, {
          clients: 1,
          perClient: 40,
          maxMs: 60_000,
          body: (n) => oneVf(1e5 + n),
        }),
      };
    })),
  };
}
