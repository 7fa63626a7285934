import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createExecRunner } from '../adapters/exec/exec-runner.js';
import { sampleProc } from './proc-usage.js';
import { round } from './stats.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** An idle agent's requests: a long poll held `pollSeconds`, and a heartbeat every `heartbeatSeconds` (0: none). */
interface Cadence {
  readonly name: string;
  readonly pollSeconds: number;
  readonly heartbeatSeconds: number;
}

/** The agents' cadence before the long poll carried the heartbeat, and now (run-agent.ts AGENT_TIMINGS). */
const CADENCES: readonly Cadence[] = [
  { name: 'poll 30 s + heartbeat 30 s', pollSeconds: 30, heartbeatSeconds: 30 },
  { name: 'poll 55 s carrying the heartbeat', pollSeconds: 55, heartbeatSeconds: 0 },
];

/**
 * Issue 14's P8 floor: what holding `agents` idle agents costs a bare
 * node:http server (idle-floor-server.ts: no routing, no auth, no database)
 * on this machine, for each cadence; the controller's own figure
 * (agentFleet) is read against it. The clients run in this process, as the
 * simulated fleet does (both share the machine's cores).
 */
export async function idleFloorBench(env: Readonly<Record<string, string | undefined>>) {
  const ticks = await createExecRunner({ path: env.PATH, env }).run('getconf', ['CLK_TCK']);
  const o = {
    agents: Number(env.VFLEET_BENCH_HOSTS ?? 10_000),
    windowSeconds: Number(env.VFLEET_BENCH_IDLE_SECONDS ?? 60),
    ticksPerSecond: Number(ticks.stdout.trim()) || 100,
  };
  const rows = [];
  for (const cadence of CADENCES) rows.push(await measure(cadence, o));
  return {
    machine: '2 cores shared, no KVM, Debian 12',
    agents: o.agents,
    server: 'node:http, constant answers, the controller HTTP limits, own process',
    cadences: rows,
  };
}

async function measure(
  c: Cadence,
  o: { agents: number; windowSeconds: number; ticksPerSecond: number },
) {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'idle-floor-server.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      child.stdout.once('data', (d: Buffer) => {
        resolve(d.toString().trim());
      });
    });
    const base = `http://127.0.0.1:${port}`;
    // No abort signal on the requests: one shared by 10,000 waiting fetches costs the
    // client more than the server. Stopping ends the server, which fails what waits.
    let stopped = false;
    let requests = 0;
    let failures = 0;
    const send = async (path: string, init: RequestInit) => {
      requests++;
      try {
        await (await fetch(`${base}${path}`, init)).text();
      } catch {
        if (!stopped) failures++;
      }
    };
    // Each agent starts at a random point of its cycle, as a fleet that joined over time.
    const agent = async () => {
      await sleep(Math.random() * c.pollSeconds * 1000);
      while (!stopped) await send(`/poll?wait=${String(c.pollSeconds)}`, {});
    };
    const heartbeats = async () => {
      await sleep(Math.random() * c.heartbeatSeconds * 1000);
      while (!stopped) {
        await send('/beat', { method: 'POST', body: '{"digest":"0123456789abcdef"}' });
        await sleep(c.heartbeatSeconds * 1000);
      }
    };
    const running: Promise<void>[] = [];
    for (let i = 0; i < o.agents; i++) {
      running.push(agent());
      if (c.heartbeatSeconds > 0) running.push(heartbeats());
    }
    // Every agent has started and been answered once: the steady rhythm.
    await sleep((Math.max(c.pollSeconds, c.heartbeatSeconds) + 5) * 1000);
    const pid = child.pid ?? 0;
    const before = await sampleProc(pid);
    const requests0 = requests;
    const t0 = performance.now();
    await sleep(o.windowSeconds * 1000);
    const after = await sampleProc(pid);
    const seconds = (performance.now() - t0) / 1000;
    const n = requests - requests0;
    stopped = true;
    child.kill('SIGTERM');
    // A heartbeat loop may still sleep up to its interval before it sees the flag.
    await Promise.all(running);
    const cpuSeconds = (after.cpuTicks - before.cpuTicks) / o.ticksPerSecond;
    return {
      cadence: c.name,
      requestsPerSecond: round(n / seconds, 1),
      cpuPercentOfOneCore: round((100 * cpuSeconds) / seconds, 2),
      cpuMicrosPerRequest: n > 0 ? round((cpuSeconds * 1e6) / n, 0) : null,
      rssMb: round(after.rssBytes / 2 ** 20, 1),
      failedRequests: failures,
    };
  } finally {
    child.kill('SIGTERM');
  }
}
