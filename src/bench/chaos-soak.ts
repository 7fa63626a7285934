import { sql } from 'kysely';
import { seededRandom } from '../core/seeded-random.js';
import type { PgCluster } from '../testing/pg-cluster.js';
import { startChaosFleet, type ChaosFleet } from './chaos-fleet.js';
import { chaosClient, churn } from './chaos-churn.js';
import { faults } from './chaos-faults.js';
import { checkInvariants, checkSettled, type Violation } from './chaos-invariants.js';
import { settleChecks } from './chaos-settle.js';

export interface ChaosSoakOptions {
  readonly cluster: PgCluster;
  readonly durationMs: number;
  readonly hosts: number;
  readonly vfsPerPf: number;
  readonly maxLive: number;
  /** Clients churning at once. */
  readonly workers: number;
  /** A fault about this often (a random time between half and one and a half of it). */
  readonly faultEveryMs: number;
  readonly specEveryMs: number;
  /** After the churn, how long the fleet has to finish what it started. */
  readonly settleMs: number;
  /** A released VF must be reset within this, counted from its host's last disturbance. */
  readonly dirtyBoundMs: number;
  readonly seed: number;
  readonly log: (line: string) => void;
}

export interface ChaosReport {
  /** The seed of the churn's and faults' choices: the same one makes the same choices. */
  readonly seed: number;
  readonly durationS: number;
  readonly hosts: number;
  readonly vfs: number;
  readonly operations: Record<string, number>;
  readonly migrationOutcomes: Record<string, number>;
  readonly rolloutOutcomes: Record<string, number>;
  readonly faults: Record<string, number>;
  readonly requests: Record<string, number>;
  readonly invariantChecks: number;
  /** The longest a released VF waited for its reset (s). */
  readonly dirtyMaxS: number;
  readonly settleS: number;
  readonly instancesAtEnd: number;
  readonly violations: number;
  readonly firstViolations: readonly Violation[];
}

/**
 * The chaos soak (issue 16): churn through two controllers on one
 * PostgreSQL while controllers, agents and database connections are killed
 * at random; the fleet's invariants are read every 2 s and at the end,
 * after the fleet had `settleMs` to finish what it started.
 */
export async function runChaosSoak(o: ChaosSoakOptions): Promise<ChaosReport> {
  const random = seededRandom(o.seed);
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const fleet = await startChaosFleet(o);
  const seen = new Map<string, Violation>();
  const violation = (v: Violation) => {
    const key = `${v.invariant}: ${v.detail}`;
    if (!seen.has(key)) {
      seen.set(key, v);
      o.log(`violation: ${key}`);
    }
  };
  try {
    const client = chaosClient(fleet.apis, (i) => fleet.controllerUp(i), violation, o.log);
    const work = churn({
      call: client.call,
      random,
      maxLive: o.maxLive,
      vfCounts: [o.vfsPerPf, o.vfsPerPf - 1],
      specEveryMs: o.specEveryMs,
      now: Date.now,
    });
    const dirty = dirtyWatch(fleet, o.dirtyBoundMs, violation);
    const chaos = faults({ fleet, random, sleep, now: Date.now, disturbed: dirty.disturbed });
    const started = Date.now();
    const end = started + o.durationMs;
    let checks = 0;
    const monitor = async () => {
      while (Date.now() < end) {
        await sleep(2_000);
        for (const v of await checkInvariants(fleet.db, new Date().toISOString(), 60_000))
          violation(v);
        await dirty.check();
        checks++;
      }
    };
    const worker = async () => {
      while (Date.now() < end) {
        await work.step();
        await sleep(100 + random() * 400);
      }
    };
    const operator = async () => {
      while (Date.now() < end) {
        await sleep(5_000);
        await work.tendRollouts();
      }
    };
    const injector = async () => {
      while (Date.now() < end) {
        await sleep(o.faultEveryMs * (0.5 + random()));
        if (Date.now() < end) await chaos.inject();
      }
    };
    await Promise.all([
      monitor(),
      operator(),
      injector(),
      ...Array.from({ length: o.workers }, worker),
    ]);
    o.log(`churn done: ${JSON.stringify(work.ops)}; faults ${JSON.stringify(chaos.counts)}`);
    // The churn may end with every instance deleted (creates refused while
    // hosts drained or a controller was down): one more create, now that the
    // faults have stopped, leaves the end checks a running instance to find.
    // (A call, not the property: each create may change what it reads.)
    const live = () => work.book.live.size;
    for (let i = 0; i < 30 && live() === 0; i++) {
      await work.create();
      if (live() === 0) await sleep(1_000);
    }

    const settleStart = Date.now();
    await settle(fleet, [...work.book.deleted], work.tendRollouts, o.settleMs, sleep);
    const settleS = (Date.now() - settleStart) / 1000;
    o.log(`settled in ${settleS.toFixed(1)} s: ${JSON.stringify(work.ops)}`);
    await dirty.check();
    for (const v of await checkInvariants(fleet.db, new Date().toISOString(), 60_000)) violation(v);
    for (const v of await checkSettled(fleet.db)) violation(v);
    const instances = await settleChecks(fleet, client.call, work.book);
    for (const v of instances.violations) violation(v);
    if (client.counts.serverErrors > 0)
      o.log(
        `controller errors:\n${fleet
          .controllerOutput()
          .split('\n')
          .filter((l) => /"level":(50|60)|rror/.test(l))
          .slice(-40)
          .join('\n')}`,
      );
    if (fleet.logs.some((l) => l.includes('agent ended')))
      violation({ invariant: 'agents keep running', detail: fleet.logs.join(' | ').slice(-2000) });

    const vfs = await fleet.db
      .selectFrom('vfs')
      .select((e) => e.fn.countAll<string | number>().as('n'))
      .executeTakeFirst();
    return {
      seed: o.seed,
      durationS: o.durationMs / 1000,
      hosts: o.hosts,
      vfs: Number(vfs?.n ?? 0),
      operations: { ...work.ops },
      migrationOutcomes: await countBy(fleet, 'migrations'),
      rolloutOutcomes: await countBy(fleet, 'rollouts'),
      faults: { ...chaos.counts },
      requests: { ...client.counts },
      invariantChecks: checks,
      dirtyMaxS: Math.round(dirty.maxMs() / 100) / 10,
      settleS: Math.round(settleS * 10) / 10,
      instancesAtEnd: instances.count,
      violations: seen.size,
      firstViolations: [...seen.values()].slice(0, 20),
    };
  } finally {
    await fleet.close();
  }
}

async function countBy(fleet: ChaosFleet, table: 'migrations' | 'rollouts') {
  const { rows } = await sql<{ state: string; n: number }>`
    select state, count(*)::int as n from ${sql.table(table)} group by state`.execute(fleet.db);
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

/**
 * Every released VF reset within the bound. A VF's wait starts when it was
 * first seen dirty, or when its host's agent or controller came back,
 * whichever is later: nothing resets a VF while its agent is stopped.
 */
function dirtyWatch(fleet: ChaosFleet, boundMs: number, violation: (v: Violation) => void) {
  const since = new Map<string, number>();
  const disturbedAt = new Map<string, number>();
  let maxMs = 0;
  return {
    disturbed: (hosts: readonly string[]) => {
      for (const h of hosts) disturbedAt.set(h, Date.now());
    },
    maxMs: () => maxMs,
    async check() {
      const rows = await fleet.db
        .selectFrom('vfs')
        .select(['host_id', 'pci_address'])
        .where('dirty', '=', true)
        .execute();
      const now = Date.now();
      const still = new Set<string>();
      for (const r of rows) {
        const key = `${r.host_id} ${r.pci_address}`;
        still.add(key);
        const first = since.get(key) ?? now;
        since.set(key, first);
        const from = Math.max(first, disturbedAt.get(r.host_id) ?? 0);
        const age = now - from;
        if (fleet.agentUp(r.host_id)) maxMs = Math.max(maxMs, age);
        if (age > boundMs && fleet.agentUp(r.host_id))
          violation({
            invariant: `every released VF is reset within ${String(boundMs / 1000)} s`,
            detail: `VF ${r.pci_address} on ${r.host_id} dirty for ${String(Math.round(age / 1000))} s`,
          });
      }
      for (const k of since.keys()) if (!still.has(k)) since.delete(k);
    },
  };
}

/** After the churn: every migration and rollout over, no VF waiting for reset, or `ms` gone. */
async function settle(
  fleet: ChaosFleet,
  deleted: readonly string[],
  tendRollouts: () => Promise<void>,
  ms: number,
  sleep: (ms: number) => Promise<void>,
) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await tendRollouts();
    const { rows } = await sql<{ n: number }>`
      select ((select count(*) from migrations where state = 'running')
           + (select count(*) from rollouts where state in ('running', 'paused'))
           + (select count(*) from vfs where dirty)
           + (select count(*) from instances where state = 'reserved')
           + (select count(*) from instances where id::text = any(${deleted}::text[])))::int as n`.execute(
      fleet.db,
    );
    if ((rows[0]?.n ?? 1) === 0) return;
    await sleep(1_000);
  }
}
