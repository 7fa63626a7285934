import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../controller/controller-deps.js';
import { inventory, pf } from '../testing/inventory-builders.js';
import { startSocketController, type SocketController } from '../testing/socket-controller.js';
import { createAgentClient, type AgentClient, type FetchFn } from './agent-client.js';
import { runAgent } from './run-agent.js';

/** The agent before its polls carried the digest: heard only by its heartbeats. */
const withoutPollDigest = (c: AgentClient): AgentClient => ({
  ...c,
  desired: (after, waitSeconds, signal) => c.desired(after, waitSeconds, signal),
});

let ctl: SocketController;

/** An agent on a host where nothing moves, its host layer never asked to apply; stopped with `stop`. */
function quietAgent(client: AgentClient, longPollSeconds: number) {
  const stop = new AbortController();
  const running = runAgent(
    {
      client,
      labels: {},
      scan: () => Promise.resolve(inventory([pf('0000:3b:00.0', { vfCount: 2 })])),
      probe: () => Promise.resolve('nothing moves'),
      doctor: () => Promise.resolve([]),
      apply: () => Promise.reject(new Error('no host layer in this test')),
      clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
      log: () => undefined,
      rescanMs: 50,
      heartbeatMs: 200,
      longPollSeconds,
    },
    stop.signal,
  );
  return async () => {
    stop.abort();
    await running.catch(() => undefined);
  };
}
beforeAll(async () => {
  ctl = await startSocketController('vfleet-heartbeat-', DEFAULT_CONFIG);
}, 60_000);
afterAll(async () => {
  await ctl.close();
});

describe('an idle agent against a real controller', () => {
  it('whose polls carry no digest (an older agent) sends heartbeats by digest, which the controller holds', async () => {
    const sent: { path: string; answer: unknown }[] = [];
    // The real fetch, watched: which routes the agent used and what came back.
    const watched: FetchFn = async (url, init) => {
      const res = await fetch(url, init);
      const path = new URL(url).pathname;
      if (init.method === 'POST') sent.push({ path, answer: await res.clone().json() });
      return res;
    };
    const stop = quietAgent(
      withoutPollDigest(createAgentClient(ctl.url, ctl.token, 'idle1', watched)),
      30,
    );
    try {
      const beats = () => sent.filter((s) => s.path.endsWith('/heartbeat'));
      for (let t = 0; t < 200 && beats().length < 3; t++)
        await new Promise((r) => setTimeout(r, 50));
      expect(beats().length).toBeGreaterThanOrEqual(3);
      for (const b of beats()) expect(b.answer).toEqual({ reportNeeded: false });
      // The first report, and the one after the first apply: no more while nothing moves.
      const reports = sent.filter((s) => s.path.endsWith('/report'));
      expect(reports.length).toBeLessThanOrEqual(2);
      const held = reports.at(-1)?.answer as { reportDigest?: string };
      expect(held.reportDigest).toEqual(expect.any(String));
    } finally {
      await stop();
    }
  }, 60_000);

  it('whose long polls carry the digest needs no separate heartbeat once the controller said it hears them', async () => {
    const requests: { method: string; path: string; digest: string | null }[] = [];
    const watched: FetchFn = (url, init) => {
      const u = new URL(url);
      requests.push({
        method: init.method ?? 'GET',
        path: u.pathname,
        digest: u.searchParams.get('digest'),
      });
      return fetch(url, init);
    };
    const stop = quietAgent(createAgentClient(ctl.url, ctl.token, 'idle2', watched), 1);
    try {
      const polls = () => requests.filter((r) => r.path.endsWith('/desired') && r.digest !== null);
      for (let t = 0; t < 200 && polls().length < 5; t++)
        await new Promise((r) => setTimeout(r, 50));
      expect(polls().length).toBeGreaterThanOrEqual(5);
      const third = requests.findIndex((r) => r === polls()[2]);
      // From the third poll on (the first answered that polls are heard), no heartbeat and no report.
      expect(requests.slice(third).filter((r) => r.method === 'POST')).toEqual([]);
    } finally {
      await stop();
    }
  }, 60_000);
});
