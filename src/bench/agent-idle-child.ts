import { createExecRunner } from '../adapters/exec/exec-runner.js';
import { createNodeHostFs } from '../adapters/host-fs/node-host-fs.js';
import { runHostAgent } from '../agent/host-agent.js';
import type { CommandRunner } from '../core/ports.js';
import { round } from './stats.js';

/**
 * One agent in its own process (so nothing else shares its CPU and memory
 * figures) on a fixture host: joins, settles, then measures itself with
 * process.cpuUsage / memoryUsage over an idle window. Prints one JSON line.
 * argv[2]: {controller, token, root, path, settleMs, windowMs}.
 */
interface Args {
  controller: string;
  token: string;
  root: string;
  path: string;
  settleMs: number;
  windowMs: number;
}
const o = JSON.parse(process.argv[2] ?? '{}') as Args;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const clock = { now: () => Date.now(), sleep };
const count = { commands: 0, requests: 0 };
const exec = createExecRunner({ path: o.path, env: process.env });
const runner: CommandRunner = {
  run: (c, a, opts) => {
    count.commands++;
    return exec.run(c, a, opts);
  },
};
const logs: string[] = [];
const stop = new AbortController();
const done = runHostAgent(
  {
    controller: o.controller,
    token: o.token,
    labels: {},
    io: { fs: createNodeHostFs(o.root), runner, clock },
    liveRoot: false,
    clock,
    log: (l) => logs.push(l),
    fetch: (url, init) => {
      count.requests++;
      return fetch(url, init);
    },
  },
  stop.signal,
);
done.catch(() => undefined);
await sleep(o.settleMs);
count.commands = count.requests = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let rssMax = 0;
while (performance.now() - t0 < o.windowMs) {
  await sleep(Math.min(1000, o.windowMs - (performance.now() - t0)));
  rssMax = Math.max(rssMax, process.memoryUsage().rss);
}
const cpu = process.cpuUsage(cpu0);
const wallMs = performance.now() - t0;
const mem = process.memoryUsage();
stop.abort();
await done.catch((e: unknown) => logs.push(String(e)));
const mb = (b: number) => round(b / 2 ** 20, 1);
process.stdout.write(
  `${JSON.stringify({
    windowSeconds: round(wallMs / 1000, 1),
    cpuMs: round((cpu.user + cpu.system) / 1000, 1),
    cpuPercentOfOneCore: round(((cpu.user + cpu.system) / 1000 / wallMs) * 100, 3),
    rssMb: mb(mem.rss),
    rssMaxMb: mb(rssMax),
    heapUsedMb: mb(mem.heapUsed),
    programRuns: count.commands,
    httpRequests: count.requests,
    logs,
  })}\n`,
);
