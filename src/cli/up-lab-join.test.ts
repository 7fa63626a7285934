import { describe, expect, it } from 'vitest';
import type { Lab } from '../lab/lab.js';
import type { CliDeps } from './cli-deps.js';
import type { FleetDeps } from './fleet-deps.js';
import { agentLogSummary, describeJoin, waitJoined } from './up-lab-join.js';
import type { HostDetailView } from '../api/answers.js';

// waitJoined on a fake clock against a scripted controller and guest: what an
// operator sees while a lab host joins.
interface Script {
  /** The host's record at a time (ms since the agent started), or null: not registered. */
  readonly host: (t: number) => { lastSeen: string | null; pfs: string[]; ready?: boolean } | null;
  /** The guest agent log's last line at a time. */
  readonly log: (t: number) => string;
}

/** The host map the controller answers, as the API's schema has it; PFs named by PCI address. */
const hostDetail = (h: {
  lastSeen: string | null;
  pfs: string[];
  ready?: boolean;
}): HostDetailView => ({
  id: 'lab-x',
  labels: {},
  health: 'healthy',
  ready: h.ready ?? false,
  lastSeen: h.lastSeen,
  cordon: null,
  allocation: {
    rule: null,
    cpuRatio: 1,
    memoryRatio: 1,
    reservedCpus: [],
    reservedMemoryMb: 0,
    vcpus: [],
    memoryMb: null,
  },
  drain: null,
  desiredGeneration: 0,
  appliedGeneration: 0,
  lastApplyMessage: null,
  numaNodes: [],
  memoryMb: null,
  findings: [],
  pfs: h.pfs.map((pciAddress) => ({
    pciAddress,
    ifname: null,
    vendorId: '8086',
    deviceId: '10c9',
    driver: 'igb',
    totalVfs: 7,
    numVfs: 0,
    numaNode: null,
    link: { state: null, adminUp: null, speedMbps: null },
    eswitchMode: null,
    spec: null,
    specName: null,
    declaredVfs: null,
    whole: null,
    owners: [],
    vfs: [],
  })),
});

function world(s: Script) {
  let now = 1_000_000;
  const start = now;
  const err: string[] = [];
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fleet = {
    fetch: () => {
      const h = s.host(now - start);
      return Promise.resolve(
        h === null
          ? json(404, { code: 'NOT_FOUND', message: 'no host', details: {} })
          : json(200, hostDetail(h)),
      );
    },
  } as unknown as FleetDeps;
  const deps = {
    clock: {
      now: () => now,
      sleep: (ms: number) => {
        now += ms;
        return Promise.resolve();
      },
    },
    err: (t: string) => err.push(t),
    out: () => undefined,
    fleet,
  } as unknown as CliDeps;
  const lab = {
    run: (argv: readonly string[]) =>
      Promise.resolve({
        exitCode: 0,
        stdout: argv.includes('30') ? `${s.log(now - start)}\n` : 'line a\nline b\n',
        stderr: '',
        timedOut: false,
      }),
  } as unknown as Lab;
  const wait = () =>
    waitJoined(deps, lab, {
      host: 'lab-x',
      name: 'x',
      startedAt: start,
      url: 'http://127.0.0.1:1',
      admin: 'vfl_admin',
      signal: new AbortController().signal,
    });
  return {
    wait,
    err,
    elapsed: () => now - start,
    iso: (t: number) => new Date(start + t).toISOString(),
  };
}

describe('a lab host joining', () => {
  it('tells its state about every 15 s until it has reported PFs', async () => {
    const w = world({
      host: (t) =>
        t < 40_000
          ? null
          : {
              lastSeen: w.iso(40_000),
              pfs: t < 70_000 ? [] : ['0000:01:00.0'],
              ready: t >= 70_000,
            },
      log: (t) => (t < 20_000 ? 'node starting' : `registered as lab-x at ${Math.floor(t / 1000)}`),
    });
    const pfs = await w.wait();
    expect(pfs).toHaveLength(1);
    expect(w.err).toEqual([
      'vfleet up: lab-x: agent started 15 s ago, not registered yet; last agent log line: node starting\n',
      'vfleet up: lab-x: agent started 30 s ago, not registered yet; last agent log line: registered as lab-x at 30\n',
      'vfleet up: lab-x: registered, first scan running (45 s since its agent started); last agent log line: registered as lab-x at 45\n',
      'vfleet up: lab-x: registered, first scan running (60 s since its agent started); last agent log line: registered as lab-x at 60\n',
    ]);
  });

  it('names the error of a crash-looping agent, not the restart note', () => {
    const log = [
      'node:internal/modules/esm/resolve:873',
      "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'commander' imported from /r/run-cli.js",
      '    at packageResolve (node:internal/modules/esm/resolve:873:9)',
      "  code: 'ERR_MODULE_NOT_FOUND'",
      'vfleet agent exited (1); again in 5 s',
      '',
    ].join('\n');
    expect(agentLogSummary(log)).toBe(
      "the agent exits (1) and restarts every 5 s; its error: Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'commander' imported from /r/run-cli.js",
    );
    expect(agentLogSummary('a\nvfleet agent exited (3); again in 5 s\n')).toBe(
      'the agent exits (3) and restarts every 5 s',
    );
    expect(agentLogSummary('registered\x1b[31m red\n')).toBe('registered\\x1b[31m red');
    expect(agentLogSummary('\n')).toBeNull();
  });

  it('a record from an earlier run is not taken for this one', () => {
    expect(describeJoin({ kind: 'stale' }, 20, null)).toBe(
      'agent started 20 s ago, not reported yet (the host record is from an earlier run)',
    );
  });

  it('waits past 300 s while the agent log advances, and fails 90 s after it stops, quoting it', async () => {
    const w = world({
      host: () => null,
      log: (t) => `still scanning ${Math.min(Math.floor(t / 15_000), 26)}`,
    });
    const e = (await w.wait().then(
      () => null,
      (x: unknown) => x,
    )) as Error;
    expect(e).toMatchObject({ code: 'TIMEOUT', details: { host: 'lab-x' } });
    // The log last changed at 390 s (26 x 15 s): +90 s.
    expect(w.elapsed()).toBeGreaterThanOrEqual(480_000);
    expect(w.elapsed()).toBeLessThan(481_000);
    expect(e.message).toBe(
      'the lab host lab-x did not report its PFs: no progress for 90 s (480 s in all); ' +
        'its agent log (/var/log/vfleet-agent.log in the guest) ends:\nline a\nline b\n',
    );
  });
});
