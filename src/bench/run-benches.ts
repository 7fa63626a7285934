import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyProcessBench } from './apply-process-bench.js';
import { labBench, labSuiteBench } from './lab-bench.js';
import { agentIdleBench } from './agent-idle-bench.js';
import { idleFloorBench } from './idle-floor-bench.js';
import { agentFleetBench } from './agent-fleet-bench.js';
import { idleRequestBench } from './idle-request-bench.js';
import { claimsPgliteBench, claimsPostgresBench, eightPfBench } from './claim-bench.js';
import { claimFloorBench } from './claim-floor.js';
import { fleetSourceFrom } from './fleet-source.js';
import { scanBench } from './scan-bench.js';
import { hostQueriesBench } from './host-list-bench.js';
import { dashboardBench } from './dashboard-bench.js';
import { placementSideBySideBench } from './placement-bench.js';
import { placementOptions } from './placement-options.js';
import { listsBench } from './list-bench.js';
import { readsBench } from './reads-bench.js';
import { nestedVmBench } from './nested-vm-bench.js';
import { chaosSoakBench } from './chaos-soak-bench.js';

// `npm run bench`: runs each benchmark and writes bench/results.json (all
// figures, merged with earlier runs of benches not selected now).
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(repo, 'bench', 'results.json');

// VFLEET_BENCH_FLEET=sql: the claim benches seed their fleet with SQL (a quick profile, and the
// claim's cost without agents' traffic) instead of joining agents; kept as <name>SqlSeeded.
const claimFleet = fleetSourceFrom(process.env.VFLEET_BENCH_FLEET);

const benches: Record<string, () => Promise<unknown>> = {
  scan: scanBench,
  applyProcesses: applyProcessBench,
  lab: labBench,
  labSuite: labSuiteBench,
  claimsPglite: () => claimsPgliteBench(claimFleet),
  // VFLEET_BENCH_HOSTS: a smaller fleet for a quick profile (the figure is at 10,000).
  claimsPostgres: () =>
    claimsPostgresBench(Number(process.env.VFLEET_BENCH_HOSTS ?? 10_000), claimFleet),
  eightVfsOnEightPfs: () => eightPfBench(claimFleet),
  claimFloor: () => claimFloorBench(),
  agentIdle: agentIdleBench,
  // Its fleet size, idle window and profile folder come from the environment (VFLEET_BENCH_*).
  agentFleet: () => agentFleetBench(process.env),
  idleRequest: idleRequestBench,
  // What a bare node:http server pays for the same idle agents (VFLEET_BENCH_HOSTS, _IDLE_SECONDS).
  idleFloor: () => idleFloorBench(process.env),
  hostQueries: hostQueriesBench,
  dashboard: dashboardBench,
  // The environment is read here only (the benches' composition root): kit folder, sizes, budget.
  placementSideBySide: () =>
    placementSideBySideBench(placementOptions(process.env, repo, tmpdir())),
  lists: listsBench,
  reads: readsBench,
  // Issue 15: real domains with real VFs in the lab (emulation figures).
  nestedVm: nestedVmBench,
  // Issue 16: churn and faults through two controllers on one PostgreSQL (VFLEET_BENCH_SOAK_MINUTES, default 10).
  chaosSoak: () => chaosSoakBench(Number(process.env.VFLEET_BENCH_SOAK_MINUTES ?? 10)),
};

const only = process.argv.slice(2);
const previous = await readFile(out, 'utf8')
  .then((t) => JSON.parse(t) as Record<string, unknown>)
  .catch(() => ({}));
const results: Record<string, unknown> = { ...previous };
// A claim bench on a fleet seeded with SQL is kept beside the one on agents, not over it.
const CLAIM_BENCHES = new Set(['claimsPglite', 'claimsPostgres', 'eightVfsOnEightPfs']);
const keyOf = (name: string) =>
  claimFleet === 'sql' && CLAIM_BENCHES.has(name) ? `${name}SqlSeeded` : name;
for (const [name, run] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`bench: ${name} ...\n`);
  const key = keyOf(name);
  results[key] = { ...((await run()) as object), measuredAt: new Date().toISOString() };
  process.stderr.write(`bench: ${key}: ${JSON.stringify(results[key])}\n`);
}
await mkdir(dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
process.stderr.write(`bench: results written to bench/results.json\n`);
