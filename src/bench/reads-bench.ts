import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { startReadBenchController, withReadBenchStore } from './read-bench-controller.js';
import type { OpenedStore } from '../adapters/store/open-store.js';
import { makeListFleet } from './list-bench.js';
import { judge, PAGE_TARGET_MS } from './list-cases.js';
import { round } from './stats.js';

/**
 * Issue 14, "no full-fleet read on a request's path": the reads that
 * summed the whole fleet (GET /v1/capacity, a /metrics scrape, the summary
 * `spec --wait` polls) at 10,000 hosts x 2 PFs x 64 VFs on PostgreSQL,
 * through a real controller on 127.0.0.1, against the list target (p99 <=
 * 50 ms). Beside them, in the same run: the full GROUP BY over every VF row
 * that capacity ran before (schema 0019), and a claim's time with the
 * tallies' triggers and without them (their cost on the claim path).
 */
const CLAIMS = 200;
const REPEATS = 25;
/** The gauges keep one read for 1 s (fleet-gauges.ts): scrapes this far apart each read the store. */
const SCRAPE_GAP_MS = 1_100;
const SCRAPES = 10;

/** What capacity ran before the tallies: every VF row grouped by cell. */
const FULL_COUNT = sql`
  select physnet, numa_node, coalesce(owner, 'vfleet') <> 'vfleet' as handed,
    count(*)::int, (count(*) filter (where state = 'free' and not dirty))::int,
    (count(*) filter (where state = 'reserved'))::int, (count(*) filter (where state = 'allocated'))::int,
    (count(*) filter (where state = 'quarantined'))::int, (count(*) filter (where state = 'free' and dirty))::int
  from vfs group by 1, 2, 3`;

async function timed(n: number, gapMs: number, f: () => Promise<unknown>) {
  await f();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    if (gapMs > 0) await sleep(gapMs);
    const t0 = performance.now();
    await f();
    times.push(performance.now() - t0);
  }
  return judge(times);
}

async function claims(call: (m: string, p: string, b?: unknown) => Promise<unknown>, tag: string) {
  const times: number[] = [];
  for (let i = 0; i < CLAIMS; i++) {
    const t0 = performance.now();
    await call('POST', '/v1/instances', {
      name: `${tag}${i}`,
      vcpus: 1,
      memoryMb: 256,
      tenant: 'bench',
      ports: [{ network: 'blue' }, { network: 'blue' }],
    });
    times.push(performance.now() - t0);
  }
  const { medianMs, p99Ms } = judge(times);
  return { claims: CLAIMS, medianMs, p99Ms };
}

const triggers = async (store: OpenedStore, how: 'enable' | 'disable') => {
  for (const op of ['ins', 'del', 'upd'])
    await sql.raw(`alter table vfs ${how} trigger vfs_tally_${op}`).execute(store.db);
};

interface Plan {
  Triggers?: { 'Trigger Name': string; Time: number }[];
  'Execution Time': number;
}

/** A claim-sized VF update (2 VFs of one PF leave `free`; quarantined, as a reserve needs a port) timed by EXPLAIN ANALYZE, each trigger apart; undone after. */
async function claimTriggers(store: OpenedStore) {
  const out = new Map<string, number[]>();
  const add = (k: string, ms: number) => out.set(k, [...(out.get(k) ?? []), ms]);
  for (let i = 0; i < 10; i++) {
    const { rows } = await sql<{ id: number }>`
      select id from vfs where state = 'free' and not dirty order by host_id desc, pf_id, vf_index
      offset ${i * 2} limit 2`.execute(store.db);
    const ids = rows.map((r) => r.id);
    const { rows: plan } = await sql<{ 'QUERY PLAN': Plan[] }>`
      explain (analyze, format json) update vfs set state = 'quarantined' where id = any(${ids})`.execute(
      store.db,
    );
    await sql`update vfs set state = 'free' where id = any(${ids})`.execute(store.db);
    const p = plan[0]?.['QUERY PLAN'][0];
    for (const t of p?.Triggers ?? []) add(t['Trigger Name'], t.Time);
    add('statement', p?.['Execution Time'] ?? 0);
  }
  return Object.fromEntries([...out].map(([k, v]) => [k, judge(v).medianMs]));
}

async function measure(store: OpenedStore) {
  const now = Date.now();
  await makeListFleet(store, now);
  const ctl = await startReadBenchController(store, now);
  try {
    const token = ctl.token;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${ctl.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text;
    };
    await claims(call, 'warm');
    await sql`analyze`.execute(store.db);
    const capacity = await timed(REPEATS, 0, () => call('GET', '/v1/capacity'));
    const metrics = await timed(SCRAPES, SCRAPE_GAP_MS, () => call('GET', '/metrics'));
    const fullCount = await timed(5, 0, () => FULL_COUNT.execute(store.db));
    // The spec the seed made governs every PF: the summary spec --wait polls, over 20,000 PFs.
    const specRollout = await timed(REPEATS, 0, () => call('GET', '/v1/specs/spec-igb/rollout'));
    const triggerCost = await claimTriggers(store);
    // With and without the tallies' triggers, alternating (the machine's load drifts; this
    // database only, the bench's own: the tallies are wrong from here on).
    const claimWithTallies: Awaited<ReturnType<typeof claims>>[] = [];
    const claimWithoutTallies: Awaited<ReturnType<typeof claims>>[] = [];
    for (const round of [1, 2]) {
      claimWithTallies.push(await claims(call, `with${round}-`));
      await triggers(store, 'disable');
      claimWithoutTallies.push(await claims(call, `without${round}-`));
      await triggers(store, 'enable');
    }
    return {
      capacity,
      metricsScrape: { ...metrics, gapMs: SCRAPE_GAP_MS },
      capacityByFullCountBefore: fullCount,
      specRollout,
      claimWithTallies,
      claimWithoutTallies,
      triggerCost,
    };
  } finally {
    await ctl.close();
  }
}

export async function readsBench() {
  return withReadBenchStore(async (store) => {
    const t0 = performance.now();
    const r = await measure(store);
    return {
      fleet: '10,000 hosts x 2 PFs x 64 VFs on PostgreSQL',
      targetMs: PAGE_TARGET_MS,
      seconds: round((performance.now() - t0) / 1000),
      ...r,
    };
  });
}
