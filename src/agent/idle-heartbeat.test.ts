import { afterEach, describe, expect, it } from 'vitest';
import { createNodeHostFs } from '../adapters/host-fs/node-host-fs.js';
import type { HostInventory } from '../core/inventory.js';
import { scanHost } from '../host/scan.js';
import type { FixtureHost } from '../testing/fixture-host.js';
import { buildFixtureHost } from '../testing/fixture-host.js';
import { inventory, pf } from '../testing/inventory-builders.js';
import { quietClient } from '../testing/quiet-client.js';
import type { ReportBody } from './agent-client.js';
import { changeFingerprint } from './change-probe.js';
import { runAgent } from './run-agent.js';

const PF = '0000:3b:00.0';

/**
 * An agent on a host where nothing happens, with a clock that only moves
 * when the agent sleeps: each round is a step of `rescanMs`, so heartbeats
 * come by the agent's own schedule and the test waits for reports, not time.
 */
function idleAgent(
  o: {
    doctorMs?: number;
    heartbeatMs?: number;
    digests?: boolean;
    held?: (digest: string) => boolean;
    /** The controller takes a poll that carries a digest as a heartbeat (held: reportNeeded false). */
    pollsHeard?: boolean;
    /** Every doctor run finds the same (else each run's finding is titled by its number). */
    steadyFindings?: boolean;
  } = {},
) {
  const world = { fingerprint: 'quiet', numVfs: 1, scans: 0, doctors: 0, now: 0 };
  const reports: { at: number; body: ReportBody }[] = [];
  const beats: { at: number; digest: string }[] = [];
  const polls: { at: number; digest: string | undefined }[] = [];
  const waiters: (() => void)[] = [];
  const stop = new AbortController();
  // No new generation: the long poll waits until the agent stops.
  const client = quietClient({
    report: (body) => {
      reports.push({ at: world.now, body });
      for (const w of waiters.splice(0)) w();
      // A controller that names what it holds (digests), or an older one.
      return Promise.resolve(o.digests === true ? `digest ${String(reports.length)}` : null);
    },
    heartbeat: (digest) => {
      beats.push({ at: world.now, digest });
      for (const w of waiters.splice(0)) w();
      return Promise.resolve(o.held?.(digest) ?? true);
    },
    ...(o.pollsHeard === true && {
      // Nothing new: held for its whole wait in the agent's time, at once when the digest is not held.
      desired: async (after, waitSeconds, signal, digest) => {
        const at = world.now;
        polls.push({ at, digest });
        for (const w of waiters.splice(0)) w();
        const held = digest !== undefined && (o.held?.(digest) ?? true);
        while (held && world.now < at + waitSeconds * 1000 && signal?.aborted !== true)
          await new Promise((r) => setImmediate(r));
        if (signal?.aborted === true) throw new Error('abort');
        if (!held) await new Promise((r) => setImmediate(r));
        return {
          generation: after,
          unchanged: true,
          ...(digest === undefined ? {} : { reportNeeded: !held }),
        };
      },
    }),
  });
  const running = runAgent(
    {
      client,
      labels: {},
      scan: (): Promise<HostInventory> => {
        world.scans++;
        return Promise.resolve(inventory([pf(PF, { vfCount: world.numVfs })]));
      },
      probe: () => Promise.resolve(world.fingerprint),
      doctor: () => {
        world.doctors++;
        // The run number is the finding's title: which doctor run a report carries.
        const run = { id: 'finding', severity: 'ok', subject: 'host', evidence: [] } as const;
        const title = o.steadyFindings === true ? 'steady' : String(world.doctors);
        return Promise.resolve([{ ...run, title }]);
      },
      apply: () => Promise.reject(new Error('not called')),
      clock: {
        now: () => world.now,
        sleep: async (ms) => {
          world.now += ms;
          await new Promise((r) => setImmediate(r));
        },
      },
      log: () => undefined,
      rescanMs: 5_000,
      heartbeatMs: o.heartbeatMs ?? 30_000,
      ...(o.doctorMs === undefined ? {} : { doctorMs: o.doctorMs }),
      longPollSeconds: 55,
    },
    stop.signal,
  );
  return {
    world,
    reports,
    beats,
    polls,
    /** Resolves once `n` reports have gone out in all. */
    async reportsUntil(n: number): Promise<void> {
      while (reports.length < n) await new Promise<void>((r) => waiters.push(r));
    },
    /** Resolves once `n` long polls have gone out. */
    async pollsUntil(n: number): Promise<void> {
      while (polls.length < n) await new Promise<void>((r) => waiters.push(r));
    },
    /** Resolves once `n` reports and heartbeats by digest have gone out in all. */
    async sentUntil(n: number): Promise<void> {
      while (reports.length + beats.length < n) await new Promise<void>((r) => waiters.push(r));
    },
    async stop(): Promise<void> {
      stop.abort();
      await running;
    },
  };
}

describe('heartbeats of an idle agent', () => {
  it('resend the last report: no scan and no doctor run after joining', async () => {
    const a = idleAgent();
    await a.reportsUntil(6);
    await a.stop();
    expect(a.world.scans).toBe(1);
    expect(a.world.doctors).toBe(1);
    const [first, ...beats] = a.reports;
    for (const b of beats) expect(b.body).toBe(first?.body);
    // One report per heartbeat interval, not one per probe round.
    expect(a.reports.map((r) => r.at)).toEqual([0, 30_000, 60_000, 90_000, 120_000, 150_000]);
  });

  it('re-run the doctor once its findings are older than doctorMs, still without a scan', async () => {
    const a = idleAgent({ doctorMs: 60_000 });
    await a.reportsUntil(6);
    await a.stop();
    expect(a.world.scans).toBe(1);
    expect(a.reports.map((r) => r.body.findings?.[0]?.title)).toEqual([
      '1',
      '1',
      '2',
      '2',
      '3',
      '3',
    ]);
    for (const r of a.reports) expect(r.body.inventory).toBe(a.reports[0]?.body.inventory);
  });

  it('scan and report at once when the probe moves, with fresh doctor findings', async () => {
    const a = idleAgent({ heartbeatMs: 1_000_000 });
    await a.reportsUntil(1);
    a.world.numVfs = 2;
    a.world.fingerprint = 'moved';
    await a.reportsUntil(2);
    await a.stop();
    expect(a.world.scans).toBe(2);
    expect(a.world.doctors).toBe(2);
    expect(a.reports[1]?.body.inventory.pfs[0]?.numVfs).toBe(2);
  });

  it('report at once when only the probe moves (an image copied into the store), the inventory unchanged', async () => {
    const a = idleAgent({ heartbeatMs: 1_000_000 });
    await a.reportsUntil(1);
    a.world.fingerprint = 'quiet\nimages web.qcow2';
    await a.reportsUntil(2);
    await a.stop();
    expect(a.reports.map((r) => r.at)).toEqual([0, 5_000]);
    expect(a.reports[1]?.body.inventory).toEqual(a.reports[0]?.body.inventory);
  });
});

describe('heartbeats by digest', () => {
  it('send only the digest the controller named the last report by, while nothing moved', async () => {
    const a = idleAgent({ digests: true });
    await a.sentUntil(4);
    await a.stop();
    expect(a.reports.map((r) => r.at)).toEqual([0]);
    expect(a.beats).toEqual([
      { at: 30_000, digest: 'digest 1' },
      { at: 60_000, digest: 'digest 1' },
      { at: 90_000, digest: 'digest 1' },
    ]);
  });

  it('send the full report when the controller does not hold it, then its new digest', async () => {
    let held = false;
    const a = idleAgent({ digests: true, held: () => held });
    await a.sentUntil(3);
    held = true;
    await a.sentUntil(4);
    await a.stop();
    // The refused heartbeat is followed at once by the report it named.
    expect(a.reports.map((r) => r.at)).toEqual([0, 30_000]);
    expect(a.reports[1]?.body).toBe(a.reports[0]?.body);
    expect(a.beats).toEqual([
      { at: 30_000, digest: 'digest 1' },
      { at: 60_000, digest: 'digest 2' },
    ]);
  });

  it('send the full report when its findings are due again (doctorMs)', async () => {
    const a = idleAgent({ digests: true, doctorMs: 60_000 });
    await a.sentUntil(4);
    await a.stop();
    expect(a.reports.map((r) => [r.at, r.body.findings?.[0]?.title])).toEqual([
      [0, '1'],
      [60_000, '2'],
    ]);
    expect(a.beats.map((b) => [b.at, b.digest])).toEqual([
      [30_000, 'digest 1'],
      [90_000, 'digest 2'],
    ]);
  });
});

describe('long polls as heartbeats', () => {
  it('carry the digest, and no separate heartbeat goes while the controller hears them', async () => {
    const a = idleAgent({ digests: true, pollsHeard: true });
    await a.pollsUntil(5);
    await a.stop();
    expect(a.reports.map((r) => r.at)).toEqual([0]);
    // Only while the first poll is out: the agent cannot know yet that this controller hears polls.
    expect(a.beats).toEqual([{ at: 30_000, digest: 'digest 1' }]);
    expect(a.polls.map((p) => p.digest)).toEqual(Array(5).fill('digest 1'));
    // Each poll went out as the one before it was answered: one request per 55 s.
    const first = a.polls[0]?.at ?? NaN;
    expect(a.polls.map((p) => p.at - first)).toEqual([0, 55_000, 110_000, 165_000, 220_000]);
  });

  it('send the full report when a poll answers that the controller lacks it', async () => {
    // The controller lost the first report (a restored database): it holds the second.
    const a = idleAgent({ digests: true, pollsHeard: true, held: (d) => d !== 'digest 1' });
    await a.pollsUntil(4);
    await a.stop();
    // The first poll answered at once and the report went with the next probe round at most.
    const [first, second] = a.polls;
    expect(a.reports).toHaveLength(2);
    expect((a.reports[1]?.at ?? NaN) - (first?.at ?? NaN)).toBeLessThanOrEqual(5_000);
    expect(a.reports[1]?.body).toBe(a.reports[0]?.body);
    expect(a.beats).toEqual([]);
    expect(a.polls.map((p) => p.digest)).toEqual(['digest 1', 'digest 2', 'digest 2', 'digest 2']);
    expect((a.polls[2]?.at ?? NaN) - (second?.at ?? NaN)).toBe(55_000);
  });

  it('still send heartbeats and the stale findings when the controller does not say it heard the poll', async () => {
    // An older controller: polls carry the digest, answers carry no reportNeeded.
    const a = idleAgent({ digests: true, doctorMs: 60_000 });
    await a.sentUntil(3);
    await a.stop();
    expect(a.beats.map((b) => b.at)).toEqual([30_000]);
    expect(a.reports.map((r) => r.at)).toEqual([0, 60_000]);
  });

  it('refresh stale findings with a full report even while polls are heard', async () => {
    const a = idleAgent({ digests: true, pollsHeard: true, doctorMs: 120_000 });
    await a.reportsUntil(3);
    await a.stop();
    expect(a.beats.map((b) => b.at)).toEqual([30_000]);
    expect(a.reports.map((r) => [r.at, r.body.findings?.[0]?.title])).toEqual([
      [0, '1'],
      [120_000, '2'],
      [240_000, '3'],
    ]);
  });
});

describe('doctor findings that did not change', () => {
  it('send no report: the polls heard stay the only requests', async () => {
    const a = idleAgent({
      digests: true,
      pollsHeard: true,
      doctorMs: 60_000,
      steadyFindings: true,
    });
    await a.pollsUntil(6);
    await a.stop();
    // The doctor ran again every 60 s (5 polls of 55 s), and found the same.
    expect(a.world.doctors).toBeGreaterThanOrEqual(5);
    expect(a.reports.map((r) => r.at)).toEqual([0]);
    expect(a.beats).toEqual([{ at: 30_000, digest: 'digest 1' }]);
  });

  it('send a heartbeat by digest when one is due, not the whole report', async () => {
    const a = idleAgent({ digests: true, doctorMs: 60_000, steadyFindings: true });
    await a.sentUntil(4);
    await a.stop();
    expect(a.reports.map((r) => r.at)).toEqual([0]);
    expect(a.beats.map((b) => [b.at, b.digest])).toEqual([
      [30_000, 'digest 1'],
      [60_000, 'digest 1'],
      [90_000, 'digest 1'],
    ]);
    expect(a.world.doctors).toBe(2);
  });
});

describe('changeFingerprint and netdevs', () => {
  let host: FixtureHost | undefined;
  afterEach(async () => {
    await host?.cleanup();
    host = undefined;
  });

  it("moves when a PF's interface is renamed (the controller keeps its name)", async () => {
    host = await buildFixtureHost({ pfs: [{ pciAddress: PF, ifname: 'eth0', vfs: 1 }] });
    const fs = createNodeHostFs(host.root);
    const inv = await scanHost({ fs, runner: host.runner }, { names: false });
    const before = await changeFingerprint(fs, inv);
    expect(await changeFingerprint(fs, inv)).toBe(before);
    await host.files.remove(`/sys/bus/pci/devices/${PF}/net/eth0`);
    await host.files.dir(`/sys/bus/pci/devices/${PF}/net/ens1f0`);
    expect(await changeFingerprint(fs, inv)).not.toBe(before);
  });
});
