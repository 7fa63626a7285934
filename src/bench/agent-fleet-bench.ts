import { createExecRunner } from '../adapters/exec/exec-runner.js';
import { createApiClient } from '../api/client.js';
import { specRoutes } from '../api/routes/specs.js';
import { startPgCluster } from '../testing/pg-cluster.js';
import { startControllerChild } from './controller-child.js';
import { controllerDelivery, judgeP8 } from './fleet-targets.js';
import { sampleProc } from './proc-usage.js';
import { simulatedHostName, startSimulatedFleet } from './simulated-fleet.js';
import { round } from './stats.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const positiveOr = (text: string | undefined, fallback: number) => {
  const v = Number(text ?? NaN);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

/**
 * P8 (issue 14): 10,000 simulated agents (simulated-fleet.ts: the agent's
 * real loop and timings, 2 PFs x 64 VFs each) on one controller, a child
 * `vfleet controller` on PostgreSQL. After all joined: an idle window in
 * which the controller's CPU (utime+stime) and RSS are read from /proc;
 * then a spec change that reaches the 1,000 hosts of group g0 (their PFs
 * sit on bus 0x20, which spec igb-g0 selects; its VF driver changes), timed
 * from the update's answer to each agent's long poll bringing the new state
 * and to its apply result; and the controller's own count of it (its
 * delivery histogram, scraped around the change). VFLEET_BENCH_HOSTS and
 * VFLEET_BENCH_IDLE_SECONDS shrink it for a try; VFLEET_BENCH_CPU_PROF=DIR
 * profiles the controller's CPU, VFLEET_BENCH_HEAP_PROF=DIR its memory.
 */
export async function agentFleetBench(env: Readonly<Record<string, string | undefined>>) {
  const hosts = positiveOr(env.VFLEET_BENCH_HOSTS, 10_000);
  const idleSeconds = positiveOr(env.VFLEET_BENCH_IDLE_SECONDS, 60);
  const group = Math.min(1_000, Math.ceil(hosts / 10));
  const profileDir = env.VFLEET_BENCH_CPU_PROF;
  const heapProfileDir = env.VFLEET_BENCH_HEAP_PROF;
  const ticks = await createExecRunner({ path: env.PATH, env }).run('getconf', ['CLK_TCK']);
  const ticksPerSecond = Number(ticks.stdout.trim()) || 100;
  const pg = await startPgCluster();
  try {
    const ctl = await startControllerChild({
      databaseUrl: await pg.createDatabase('vfleet_agents'),
      ...(profileDir === undefined || profileDir === '' ? {} : { profileDir }),
      ...(heapProfileDir === undefined || heapProfileDir === '' ? {} : { heapProfileDir }),
    });
    try {
      return await measure(ctl, { hosts, idleSeconds, group, ticksPerSecond });
    } finally {
      await ctl.stop();
    }
  } finally {
    await pg.stop();
  }
}

async function measure(
  ctl: { url: string; adminToken: string; pid: number },
  o: { hosts: number; idleSeconds: number; group: number; ticksPerSecond: number },
) {
  const inGroup = (i: number) => i < o.group;
  const change = {
    on: false,
    t0: 0,
    received: new Map<string, number>(),
    applied: new Map<string, number>(),
    others: new Set<string>(),
  };
  const groupHosts = new Set(Array.from({ length: o.group }, (_, i) => simulatedHostName(i)));
  let rssMaxJoin = 0;
  const fleet = await startSimulatedFleet(
    ctl.url,
    ctl.adminToken,
    {
      hosts: o.hosts,
      pfsPerHost: 2,
      vfsPerPf: 64,
      cpusPerNode: 16,
      labels: (i) => ({ group: inGroup(i) ? 'g0' : 'g1' }),
      bus: (i) => (inGroup(i) ? 0x20 : 0x10),
      specs: [
        { name: 'igb', pciAddress: '0000:1?:*', physnet: 'p1', numVfs: 64 },
        { name: 'igb-g0', pciAddress: '0000:2?:*', physnet: 'p1', numVfs: 64 },
      ],
    },
    {
      concurrency: 32,
      joinTimeoutMs: 600_000,
      onProgress: (n) => {
        if (n % 500 === 0 || n === o.hosts) {
          void sampleProc(ctl.pid).then((s) => {
            rssMaxJoin = Math.max(rssMaxJoin, s.rssBytes);
          });
          process.stderr.write(`agentFleet: ${n}/${o.hosts} hosts ready\n`);
        }
      },
      onDesired: (host) => {
        if (!change.on) return;
        if (!groupHosts.has(host)) change.others.add(host);
        else if (!change.received.has(host))
          change.received.set(host, performance.now() - change.t0);
      },
      onApplied: (host) => {
        if (change.on && groupHosts.has(host) && !change.applied.has(host))
          change.applied.set(host, performance.now() - change.t0);
      },
    },
  );
  try {
    const logsAtJoin = fleet.logs().length;
    process.stderr.write(
      `agentFleet: ${o.hosts} hosts ready in ${round(fleet.readySeconds, 1)} s; idle window\n`,
    );
    // Let the join's last reports and the first heartbeats settle into the agents' steady rhythm.
    await sleep(10_000);
    const before = await sampleProc(ctl.pid);
    const requests0 = fleet.requests();
    const t0 = performance.now();
    let rssMax = before.rssBytes;
    while (performance.now() - t0 < o.idleSeconds * 1000) {
      await sleep(1_000);
      rssMax = Math.max(rssMax, (await sampleProc(ctl.pid)).rssBytes);
    }
    const after = await sampleProc(ctl.pid);
    const idle = {
      seconds: (performance.now() - t0) / 1000,
      cpuTicks: after.cpuTicks - before.cpuTicks,
      ticksPerSecond: o.ticksPerSecond,
      rssMaxBytes: Math.max(rssMax, rssMaxJoin),
      rssEndBytes: after.rssBytes,
      requests: fleet.requests() - requests0,
    };
    const admin = createApiClient({ baseUrl: ctl.url, token: ctl.adminToken, fetch });
    // The controller's own count of the change's delivery, apart from the agents' (metrics).
    const scrape = async () => (await fetch(`${ctl.url}/metrics`)).text();
    const scrapeBefore = await scrape();
    const sent = performance.now();
    change.on = true;
    change.t0 = sent;
    await admin.call(specRoutes.update, {
      params: { id: fleet.specIds['igb-g0'] ?? '' },
      body: { vfDriver: 'kernel' },
    });
    const answeredAfterMs = performance.now() - sent;
    change.t0 = performance.now();
    // Receipts before the answer count from the answer (negative): shift them to it.
    for (const m of [change.received, change.applied])
      for (const [h, ms] of m) m.set(h, ms - answeredAfterMs);
    for (let t = 0; t < 600 && change.applied.size < o.group; t++) await sleep(100);
    // A host outside the group would have heard within this too.
    await sleep(2_000);
    change.on = false;
    const byController = controllerDelivery(scrapeBefore, await scrape());
    return {
      machine: '2 cores shared, no KVM, Debian 12',
      hosts: o.hosts,
      shape: '2 PFs x 64 VFs per host (8086:1521), PostgreSQL, controller in its own process',
      joinSeconds: round(fleet.readySeconds, 1),
      agentLogLines: fleet.logs().length,
      agentLogLinesAtJoin: logsAtJoin,
      agentLogShapes: logShapes(fleet.logs()),
      specUpdateAnswerMs: round(answeredAfterMs, 1),
      ...judgeP8(idle, {
        hosts: o.group,
        receivedMs: [...change.received.values()],
        appliedMs: [...change.applied.values()],
        others: change.others.size,
      }),
      // Waiting polls the controller answered with the new state, and within how long of the
      // notice (a histogram bound): the controller's share of the delivery above.
      specChangeAnsweredByController: byController,
    };
  } finally {
    await fleet.close();
  }
}

/**
 * What the agents logged, by kind: host names and numbers folded, the five
 * commonest with their counts (a healthy fleet logs nothing, so any line is
 * worth reading in the result).
 */
export function logShapes(lines: readonly string[]): { line: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const l of lines) {
    const shape = l
      .replace(/^host\d+: /, '')
      .replace(/\d+/g, 'N')
      .slice(0, 200);
    counts.set(shape, (counts.get(shape) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([line, count]) => ({ line, count }));
}
