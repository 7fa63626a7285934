import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Json } from '../testing/controller-harness.js';
import { basicCatalog, joinHost } from '../testing/fleet-sim.js';
import type { PgCluster } from '../testing/pg-cluster.js';
import { checkInvariants, invariantReader, type Violation } from './chaos-invariants.js';
import { startControllerPair } from './controller-pair.js';

export interface LastVfsRaceOptions {
  readonly cluster: PgCluster;
  /** Hosts of 2 PFs with `vfsPerPf` VFs each. */
  readonly hosts: number;
  readonly vfsPerPf: number;
  /** VFs left free when the race starts (the rest are claimed first). */
  readonly free: number;
  /** Requests sent at once, half through each controller. */
  readonly requests: number;
}

export interface LastVfsRaceReport {
  readonly vfs: number;
  readonly free: number;
  readonly requests: number;
  readonly granted: number;
  /** Answers by HTTP status. */
  readonly statuses: Record<string, number>;
  /** VFs held after the race: every VF of the fleet, none twice. */
  readonly heldAfter: number;
  readonly wallS: number;
  readonly violations: readonly Violation[];
}

/** A request that got no answer at all. */
const NO_ANSWER: { status: number; body: Json } = { status: 0, body: {} };

const instance = (name: string) => ({
  name,
  vcpus: 1,
  memoryMb: 64,
  tenant: 'acme',
  ports: [{ network: 'blue' }],
});

/**
 * The last free VFs of a fleet, raced for through two controller processes
 * on one PostgreSQL: as many win as there were VFs, every other request is
 * refused with NO_CAPACITY, and no VF is held twice.
 */
export async function lastVfsRace(o: LastVfsRaceOptions): Promise<LastVfsRaceReport> {
  const dir = await mkdtemp(join(tmpdir(), 'vfleet-race-'));
  const databaseUrl = await o.cluster.createDatabase(`race_${String(Date.now())}`);
  const pair = await startControllerPair(databaseUrl, dir);
  const db = invariantReader(databaseUrl);
  try {
    const [a, b] = pair.apis;
    await basicCatalog(a, o.vfsPerPf);
    // The race is for VFs, not for the tenant's quota (default 100 instances).
    const quota = await a.call('PUT', '/v1/quotas/acme', a.admin, {
      instances: 'unlimited',
      vfs: 'unlimited',
    });
    if (quota.status !== 200) throw new Error(`quota: ${String(quota.status)}`);
    for (let i = 0; i < o.hosts; i++)
      await joinHost(a, { name: `node${String(i)}`, pfs: 2, vfsPerPf: o.vfsPerPf });
    const vfs = o.hosts * 2 * o.vfsPerPf;
    // All but the last `free` VFs taken first, eight at a time.
    const taken = vfs - o.free;
    for (let i = 0; i < taken; i += 8) {
      const batch = Array.from({ length: Math.min(8, taken - i) }, (_, k) =>
        a.call('POST', '/v1/instances', a.admin, instance(`pre${String(i + k)}`)),
      );
      for (const r of await Promise.all(batch))
        if (r.status !== 201) throw new Error(`claim before the race: ${String(r.status)}`);
    }
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: o.requests }, (_, i) => {
        const api = i % 2 === 0 ? a : b;
        return api
          .call('POST', '/v1/instances', api.admin, instance(`race${String(i)}`))
          .catch(() => NO_ANSWER);
      }),
    );
    const wallS = (performance.now() - started) / 1000;
    const statuses: Record<string, number> = {};
    for (const r of results) {
      const key = r.status === 409 ? `409 ${String(r.body.code)}` : String(r.status);
      statuses[key] = (statuses[key] ?? 0) + 1;
    }
    const held = await db
      .selectFrom('vfs')
      .select((e) => e.fn.countAll<string>().as('n'))
      .where('port_id', 'is not', null)
      .executeTakeFirst();
    return {
      vfs,
      free: o.free,
      requests: o.requests,
      granted: statuses['201'] ?? 0,
      statuses,
      heldAfter: Number(held?.n ?? 0),
      wallS: Math.round(wallS * 100) / 100,
      violations: await checkInvariants(db, new Date().toISOString(), 60_000),
    };
  } finally {
    await db.destroy();
    await pair.close();
    await rm(dir, { recursive: true, force: true });
  }
}
