import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPgCluster, type PgCluster } from '../testing/pg-cluster.js';
import {
  blowupFigures,
  candidatesFigures,
  claimFigures,
  loadFigures,
} from './placement-figures.js';
import { describeEnvironment, placementKit, type PlacementKit } from './placement-kit.js';
import type { PlacementOptions } from './placement-options.js';
import {
  eightPfResult,
  sideBySideTable,
  sizeResult,
  type PlacementSize,
  type SizeResult,
} from './side-by-side.js';
import { round } from './stats.js';
import { vfleetAtSize, vfleetEightPf } from './vfleet-side.js';

const SHAPES = {
  fleet:
    'Both sides: N hosts x 2 PFs x 64 VFs. Placement (kit load.py): root provider cnNNNNN (VCPU 128, MEMORY_MB 524288 reserved 512) + 2 PF children with CUSTOM_PCI_8086_10ED 64, PF 0 CUSTOM_PHYSNET_PHYSNET1, PF 1 CUSTOM_PHYSNET_PHYSNET2. vfleet: 2 NUMA nodes x 64 CPUs, 1 TiB, PF 0 on physnet p1 (= PHYSNET1), PF 1 on p2 (= PHYSNET2).',
  request:
    'One claim: Placement GET /allocation_candidates (VCPU:1, MEMORY_MB:512, 1 VF required PHYSNET1, limit=1000) + PUT /allocations/{new consumer}, re-GET on 409; vfleet POST /v1/instances (1 vCPU, 512 MB, 1 port on network blue = p1), schedule + claim in one request.',
  eightVfsOnEightPfs:
    'Fleet of N hosts x 8 PFs x 64 VFs, all physnet1. Placement (kit phase c): k=8 groups resources<i>=CUSTOM_PCI_8086_10ED:1 required<i>=PHYSNET1, group_policy=isolate, pinned with in_tree to ONE 8-PF host (its easiest form: less work than searching the fleet); vfleet: 8 ports with distinctPfs over the whole fleet.',
  ratio:
    'ratio = Placement / vfleet for latencies, vfleet / Placement for claims/s: above 1, vfleet is better by that factor.',
};

// The kit's measurement bounds per size (its run_all.sh uses 200 requests / 60 s
// per latency series; halved so a size fits the budget): 100 claims from 1 client,
// 200 from 8, as run_all.sh.
const A_ARGS = ['--phases', 'a', '--a-requests', '100', '--a-seconds', '30', '--a-warmup', '8'];
const claimArgs = (workers: number, max: number) => [
  ...['--phases', 'b', '--claim-workers', String(workers)],
  ...['--claim-max', String(max), '--claim-seconds', '60'],
];

async function placementAtSize(
  kit: PlacementKit,
  hosts: number,
  budgetSeconds: number,
): Promise<PlacementSize> {
  const t0 = performance.now();
  await kit.freshDatabase();
  const loaded = await kit.load(
    { hosts, pfsPerHost: 2, physnets: 2, maxSeconds: budgetSeconds },
    `load-${hosts}`,
  );
  const load = loadFigures(loaded.json);
  if (load.failures.length > 0 || load.hosts !== hosts) {
    throw new Error(
      `Placement loaded ${load.hosts} of ${hosts} hosts in ${load.seconds} s: ${load.failures.join('; ')}`,
    );
  }
  await kit.analyze();
  // --a-concurrency 1: the concurrent series is not compared; skipping it saves a minute.
  const a = await kit.bench(hosts, [...A_ARGS, '--a-concurrency', '1'], `bench-${hosts}-a`);
  const one = await kit.bench(hosts, claimArgs(1, 100), `bench-${hosts}-b-seq`);
  const eight = await kit.bench(hosts, claimArgs(8, 200), `bench-${hosts}-b-conc8`);
  return {
    load,
    candidates: candidatesFigures(a.json),
    oneClient: claimFigures(one.json),
    eightClients: claimFigures(eight.json),
    seconds: round((performance.now() - t0) / 1000, 1),
  };
}

export interface SizeTried {
  readonly hosts: number;
  readonly withinBudget: boolean;
  readonly placementSeconds: number | null;
  readonly note: string;
}

const largest = (tried: readonly SizeTried[]): number | null => {
  const ok = tried.filter((t) => t.withinBudget).map((t) => t.hosts);
  return ok.length === 0 ? null : Math.max(...ok);
};

/** Why no larger size was measured, for the operator reading the results. */
const searchEnded = (tried: readonly SizeTried[], tryLarger: readonly number[]): string => {
  if (tryLarger.length === 0) return 'no search: VFLEET_PLACEMENT_TRY=none (fixed sizes only)';
  const stop = tried.find((t) => !t.withinBudget);
  if (stop !== undefined) return `at ${stop.hosts} hosts: ${stop.note}`;
  return `every size in VFLEET_PLACEMENT_TRY fitted; none larger was tried`;
};

async function eightPf(kit: PlacementKit, cluster: PgCluster, o: PlacementOptions) {
  const hosts = o.eightPfHosts;
  await kit.freshDatabase();
  const loaded = await kit.load(
    { hosts, pfsPerHost: 8, physnets: 1, maxSeconds: o.budgetSeconds },
    `load-8pf-${hosts}`,
  );
  await kit.analyze();
  // Phase c stops at the first timeout and leaves that request running in
  // uwsgi: it runs last, and teardown stops the server.
  const c = await kit.bench(
    hosts,
    [
      ...['--phases', 'c', '--pfs-per-host', '8', '--physnets', '1', '--c-scope', 'tree'],
      ...['--c-groups', '1,4,8', '--c-timeout', String(o.cTimeoutSeconds)],
    ],
    `bench-8pf-${hosts}-c`,
  );
  const vfleet = await vfleetEightPf(cluster, hosts);
  return {
    ...eightPfResult(hosts, blowupFigures(c.json), vfleet),
    placementLoad: loadFigures(loaded.json),
  };
}

/**
 * vfleet and OpenStack Placement (the shared kit) on the same fleet sizes,
 * same machine, one invocation: the fixed sizes, then larger ones while
 * Placement fits the budget, then the 8-VFs-on-8-PFs request. Placement and
 * its PostgreSQL are torn down at the end, also on failure.
 */
export async function placementSideBySideBench(o: PlacementOptions) {
  const log = (l: string) => process.stderr.write(`${l}\n`);
  const outDir = o.rawDir ?? (await mkdtemp(join(tmpdir(), 'vfleet-placement-raw-')));
  await mkdir(outDir, { recursive: true });
  const kit = placementKit(
    { dir: o.kitDir, env: o.kitEnv, state: o.state, port: o.port, pgPort: o.pgPort, outDir },
    log,
  );
  const loadAverageAtStart = loadavg().map((x) => round(x));
  const t0 = performance.now();
  let cluster: PgCluster | undefined;
  try {
    cluster = await startPgCluster();
    const sizes: SizeResult[] = [];
    const tried: SizeTried[] = [];
    for (const hosts of o.sizes) {
      const p = await placementAtSize(kit, hosts, o.budgetSeconds);
      sizes.push(sizeResult(hosts, p, await vfleetAtSize(cluster, hosts)));
      tried.push({
        hosts,
        withinBudget: p.seconds <= o.budgetSeconds,
        placementSeconds: p.seconds,
        note:
          p.seconds <= o.budgetSeconds
            ? 'fixed size'
            : `fixed size, over the budget: ${p.seconds} s > ${o.budgetSeconds} s`,
      });
    }
    // A fixed size already over the budget: a larger one cannot fit.
    const searchSizes = tried.every((t) => t.withinBudget) ? o.tryLarger : [];
    for (const hosts of searchSizes) {
      let p: PlacementSize;
      try {
        p = await placementAtSize(kit, hosts, o.budgetSeconds);
      } catch (e) {
        const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
        tried.push({ hosts, withinBudget: false, placementSeconds: null, note: `stopped: ${why}` });
        break;
      }
      if (p.seconds > o.budgetSeconds) {
        tried.push({
          hosts,
          withinBudget: false,
          placementSeconds: p.seconds,
          note: `stopped: fresh database + load + measurement took ${p.seconds} s > ${o.budgetSeconds} s`,
        });
        break;
      }
      sizes.push(sizeResult(hosts, p, await vfleetAtSize(cluster, hosts)));
      tried.push({ hosts, withinBudget: true, placementSeconds: p.seconds, note: 'within budget' });
    }
    const eight = await eightPf(kit, cluster, o);
    const environment = await describeEnvironment(o.kitEnv);
    const table = sideBySideTable(sizes, eight);
    log(table.join('\n'));
    return {
      what: SHAPES,
      environment: {
        ...environment,
        loadAverageAtStart,
        loadAverageAtEnd: loadavg().map((x) => round(x)),
      },
      budgetSeconds: o.budgetSeconds,
      sizesTried: tried,
      largestWithinBudget: largest(tried),
      searchEnded: searchEnded(tried, o.tryLarger),
      sizes,
      eightVfsOnEightPfs: eight,
      table,
      wallSeconds: round((performance.now() - t0) / 1000, 1),
    };
  } finally {
    await kit.teardown().catch((e: unknown) => {
      log(`placement kit teardown failed: ${String(e)}`);
    });
    await cluster?.stop();
    if (o.rawDir === undefined) await rm(outDir, { recursive: true, force: true });
    else log(`placement kit JSON kept in ${outDir}`);
  }
}
