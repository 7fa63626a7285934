import { afterEach, describe, expect, it } from 'vitest';
import { resolveBenchOptions } from '../../core/datapath/bench-options.js';
import type { DatapathReport } from '../../core/datapath/datapath-report.js';
import { VfleetError } from '../../core/errors.js';
import type { Clock, ProgressEvent } from '../../core/ports.js';
import { buildFixtureHost, type FixtureHost } from '../../testing/fixture-host.js';
import {
  createPktgenSim,
  type PktgenSimOptions,
  type SimPathKind,
} from '../../testing/pktgen-sim.js';
import { interrupted } from './measure-path.js';
import { runDatapathBench } from './run-datapath.js';
import { EMULATION_CAVEAT } from './run-facts.js';

const PF = '0000:03:00.0';
/** The knee of each path: lossless up to it, 5% lost beyond. */
const KNEE = { vf: { 64: 400_000, 1518: 60_000 }, macvlan: { 64: 150_000, 1518: 45_000 } };
const lossAt = (pps: number, size: number, kind: SimPathKind) =>
  pps <= KNEE[kind][size as 64 | 1518] ? 0 : 0.05;
/** 0.1% of line rate at 1 Gbit/s: 1,488 pps at 64 bytes, 81 at 1518. */
const RESOLUTION = { 64: 1488, 1518: 81 };

let host: FixtureHost | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

async function bench(
  sim: PktgenSimOptions = {},
  opts: {
    paths?: string;
    subsystem?: string;
    signal?: AbortSignal;
    runId?: string;
    /** Sleeps end on a later turn of the event loop, as real ones do (still without waiting). */
    sleepsYield?: boolean;
  } = {},
) {
  const fixture = await buildFixtureHost({
    hostname: 'hv-sim',
    kernel: '6.1.0-28-amd64',
    pfs: [{ pciAddress: PF, ifname: 'eth0', vfs: [{ netdev: 'eth2' }, { netdev: 'eth3' }] }],
  });
  host = fixture;
  const subsystem = opts.subsystem ?? '0x8086\n';
  await fixture.files.file(`/sys/bus/pci/devices/${PF}/subsystem_vendor`, subsystem);
  const s = await createPktgenSim(fixture, { lossAt, ...sim });
  const events: ProgressEvent[] = [];
  const run = () =>
    runDatapathBench(
      { fs: fixture.fs, runner: s.runner, clock: opts.sleepsYield ? yielding(s.clock) : s.clock },
      {
        runId: opts.runId ?? '4242',
        options: resolveBenchOptions({
          paths: opts.paths ?? 'vf,macvtap,vhost',
          frameSizes: '1518,64',
          duration: '1',
          latencySamples: '10',
        }),
        wish: {},
        progress: (e) => events.push(e),
        signal: opts.signal ?? new AbortController().signal,
      },
    );
  return { sim: s, events, run, fixture };
}

const yielding = (c: Clock): Clock => ({
  now: () => c.now(),
  sleep: (ms) => c.sleep(ms).then(() => new Promise((r) => setImmediate(r))),
});

const rate = (r: DatapathReport, path: string, size: number) =>
  r.paths.find((p) => p.path === path)?.points.find((t) => t.frameSize === size);

function expectNear(got: number | undefined, knee: number, resolution: number) {
  expect(got).toBeLessThanOrEqual(knee);
  expect(got).toBeGreaterThan(knee - resolution);
}

describe('runDatapathBench over a simulated kernel', () => {
  it('finds the knee of each path at each frame size, and skips the VM paths', async () => {
    const { run, sim } = await bench();
    const r = await run();
    expect(r.paths.map((p) => [p.path, p.skipped, p.endpoints])).toEqual([
      ['vf', null, 'VFs eth2 -> eth3 on eth0 (switched by the NIC)'],
      ['macvtap', null, 'macvlans (bridge mode, as macvtap) on eth0 (switched by the kernel)'],
      [
        'vhost',
        'needs the forwarding VM (libvirt): this run measures between network namespaces',
        null,
      ],
    ]);
    for (const [path, kind] of [
      ['vf', 'vf'],
      ['macvtap', 'macvlan'],
    ] as const) {
      expect(r.paths.find((p) => p.path === path)?.points.map((t) => t.frameSize)).toEqual([
        64, 1518,
      ]);
      for (const size of [64, 1518] as const) {
        const point = rate(r, path, size);
        expectNear(point?.ratePps, KNEE[kind][size], RESOLUTION[size]);
        expect(point).toMatchObject({ lossRatioAtRate: 0, generatorLimited: false });
      }
    }
    // The 10 probes per size came back at the ping's RTT, under load at 90% of the rate.
    const vfLatency = r.paths[0]?.latency[0]?.summary;
    expect(vfLatency).toMatchObject({ p50Us: 927, p99Us: 927, maxUs: 927, samples: 10 });
    expect(vfLatency?.atPps).toBe(Math.floor((rate(r, 'vf', 64)?.ratePps ?? 0) * 0.9));
    expect(sim.calls.filter((c) => c.command !== 'ip').map((c) => c.argv.join(' '))).toEqual([
      'pktgen',
    ]);
    // A generator that keeps up is never stopped early: the only stops end the latency loads.
    const stops = sim.pktgenWrites().filter((w) => w.endsWith('pgctrl: stop'));
    expect(stops).toHaveLength(4);
    expect(r.durationS).toBeGreaterThan(20);
    expect(r.startedAt).toBe('2031-01-02T03:04:05.000Z');
  });

  it('sends on the thread of the PF-local CPU, the FCS left out of pkt_size', async () => {
    const { run, sim } = await bench({}, { paths: 'vf' });
    await run();
    const writes = sim.pktgenWrites();
    const tx = 'vfleet-dp-4242-tx';
    expect(writes.slice(0, 4)).toEqual([
      `${tx} kpktgend_1: rem_device_all`,
      `${tx} kpktgend_1: add_device eth2`,
      `${tx} eth2: pkt_size 60`,
      `${tx} eth2: dst 198.18.0.2`,
    ]);
    expect(writes).toContain(`${tx} eth2: pkt_size 1514`);
    const mac = sim.links.find((l) => l.ifname === 'eth3')?.address;
    expect(writes).toContain(`${tx} eth2: dst_mac ${String(mac)}`);
  });

  it('reports the machine: kernel, NIC, drivers, pinning; not emulated on real hardware', async () => {
    const { run } = await bench({}, { paths: 'vhost' });
    const r = await run();
    expect(r).toMatchObject({
      host: 'hv-sim',
      kernel: '6.1.0-28-amd64',
      nic: `8086 10c9 (${PF}, eth0)`,
      driver: 'igb (PF), igbvf (VF)',
      generator: 'pktgen (Linux 6.1.0-28-amd64)',
      pinning: { senderCpus: [1], receiverCpus: [] },
      numa: { nicNode: null, senderNode: null, receiverNode: null },
      emulated: false,
      caveat: null,
      acceptableLoss: 0,
      trialDurationMs: 1000,
    });
  });

  it("says the figures are QEMU's when the PF's subsystem vendor is Red Hat's", async () => {
    const { run } = await bench({}, { paths: 'vhost', subsystem: '0x1af4\n' });
    expect(await run()).toMatchObject({ emulated: true, caveat: EMULATION_CAVEAT });
  });

  it('marks a rate the generator could not pass as generator-limited', async () => {
    const { run, sim } = await bench(
      { generatorMaxPps: 100_000, lossAt: () => 0 },
      { paths: 'vf' },
    );
    const r = await run();
    expect(rate(r, 'vf', 64)).toMatchObject({ ratePps: 100_000, generatorLimited: true });
    // The first trial asked 1,488,095 frames of a 100,000 pps generator: stopped, not waited out.
    const writes = sim.pktgenWrites();
    expect(writes.slice(writes.indexOf('vfleet-dp-4242-tx eth2: count 1488095'))[3]).toBe(
      'vfleet-dp-4242-tx pgctrl: stop',
    );
    expect(rate(r, 'vf', 1518)).toMatchObject({ ratePps: 81_274, generatorLimited: false });
  });

  it('does not count multicast frames as received', async () => {
    // 5% of a trial is more than 2,000 frames: strays counted as received would hide the loss.
    const { run } = await bench({ multicastPerRun: 50_000 }, { paths: 'vf' });
    const r = await run();
    expectNear(rate(r, 'vf', 64)?.ratePps, KNEE.vf[64], RESOLUTION[64]);
    expectNear(rate(r, 'vf', 1518)?.ratePps, KNEE.vf[1518], RESOLUTION[1518]);
  });
});

describe('runDatapathBench cleans up', () => {
  const everythingBack = (placement: string[]) => {
    expect(placement).toEqual(['eth0', 'eth2', 'eth3']);
  };

  it('removes every namespace and macvlan it made, the VFs back on the host', async () => {
    const { run, sim } = await bench();
    await run();
    expect(sim.netnsNames()).toEqual([]);
    everythingBack(sim.placement());
    const made = sim.ipLines().filter((l) => /^netns (add|del)|^link add/.test(l));
    expect(made).toEqual([
      'netns add vfleet-dp-4242-tx',
      'netns add vfleet-dp-4242-rx',
      'netns del vfleet-dp-4242-tx',
      'netns del vfleet-dp-4242-rx',
      'netns add vfleet-dp-4242-tx',
      'netns add vfleet-dp-4242-rx',
      'link add link eth0 name vfdp4242t type macvlan mode bridge',
      'link add link eth0 name vfdp4242r type macvlan mode bridge',
      'netns del vfleet-dp-4242-tx',
      'netns del vfleet-dp-4242-rx',
    ]);
  });

  it('tears down when a trial throws midway, and passes the error on', async () => {
    let cats = 0;
    const { run, sim } = await bench({
      intercept: (c) =>
        c.argv[3] === 'cat' && ++cats === 3
          ? { exitCode: 1, stdout: '', stderr: 'cat: /proc/net/pktgen/eth2: Input/output error' }
          : undefined,
    });
    const e = await run().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VfleetError);
    expect((e as VfleetError).code).toBe('COMMAND_FAILED');
    expect((e as VfleetError).message).toContain('Input/output error');
    expect(sim.netnsNames()).toEqual([]);
    everythingBack(sim.placement());
    expect(sim.ipLines().slice(-4)).toEqual([
      '-n vfleet-dp-4242-tx link set dev eth2 netns 1',
      '-n vfleet-dp-4242-rx link set dev eth3 netns 1',
      'netns del vfleet-dp-4242-tx',
      'netns del vfleet-dp-4242-rx',
    ]);
  });

  it('on an interrupt mid-trial stops pktgen, tears down, and throws TIMEOUT', async () => {
    const stop = new AbortController();
    const later: { clock?: Clock } = {};
    const { run, sim, events } = await bench(
      {
        // 300 ms into the third trial (of 1 s).
        onStart: (n) => {
          if (n === 3)
            void later.clock?.sleep(300).then(() => {
              stop.abort('SIGINT');
            });
        },
      },
      { signal: stop.signal },
    );
    later.clock = sim.clock;
    const e = await run().catch((x: unknown) => x);
    expect(e).toEqual(interrupted(stop.signal));
    expect((e as VfleetError).code).toBe('TIMEOUT');
    expect((e as VfleetError).message).toMatch(/^stopped \(SIGINT\): /);
    // In order: the third start, the stop written at once, then the teardown; no fourth trial.
    const steps = sim.calls
      .map((c) => (c.input === undefined ? c.argv.join(' ') : c.input.trim()))
      .filter((l) => /^(start|stop|netns del|netns add)/.test(l));
    expect(steps).toEqual([
      'netns add vfleet-dp-4242-tx',
      'netns add vfleet-dp-4242-rx',
      'start',
      'start',
      'start',
      'stop',
      'netns del vfleet-dp-4242-tx',
      'netns del vfleet-dp-4242-rx',
    ]);
    // The paths after it never started.
    expect(events.filter((x) => x.status === 'start').map((x) => x.step)).toEqual(['vf']);
    expect(sim.netnsNames()).toEqual([]);
    everythingBack(sim.placement());
  });

  it('survives a latency load that fails while the probe waits for it', async () => {
    // A trial sends 1 s of frames; the latency probe's load runs past its 10 pings (3.3 s).
    const asked = { count: 0, ratep: 0 };
    const { run, sim } = await bench(
      {
        intercept: (c) => {
          const [word = '', value = ''] = (c.input ?? '').trim().split(' ');
          if (word === 'count' || word === 'ratep') asked[word] = Number(value);
          return word === 'start' && asked.count > 2 * asked.ratep
            ? {
                exitCode: 1,
                stdout: '',
                stderr: 'tee: /proc/net/pktgen/pgctrl: Device or resource busy',
              }
            : undefined;
        },
      },
      { paths: 'vf', sleepsYield: true },
    );
    // Before the fix this rejection went unhandled during the probe's sleep: a crash with no teardown.
    const r = await run();
    expect(r.paths[0]?.points.map((p) => p.frameSize)).toEqual([64, 1518]);
    expect(sim.netnsNames()).toEqual([]);
    everythingBack(sim.placement());
  });

  it("removes a dead run's namespaces first and keeps a live run's and others'", async () => {
    const { run, sim, fixture, events } = await bench({}, { paths: 'macvtap', runId: '4242' });
    await fixture.files.dir('/proc/777');
    await sim.leftBehind('vfleet-dp-31337-tx', [], 'eth0');
    await sim.leftBehind('vfleet-dp-31337-rx', []);
    await sim.leftBehind('vfleet-dp-777-rx', []);
    await sim.leftBehind('blue', []);
    const r = await run();
    expect(r.paths[0]?.skipped).toBeNull();
    const lines = sim.ipLines();
    const firstAdd = lines.indexOf('netns add vfleet-dp-4242-tx');
    expect(lines.slice(0, firstAdd).filter((l) => !l.startsWith('-j'))).toEqual([
      '-n vfleet-dp-31337-tx -j -d link show',
      '-n vfleet-dp-31337-tx link del 337-txmv',
      'netns del vfleet-dp-31337-tx',
      '-n vfleet-dp-31337-rx -j -d link show',
      'netns del vfleet-dp-31337-rx',
    ]);
    expect(sim.netnsNames()).toEqual(['vfleet-dp-777-rx', 'blue']);
    expect(events.filter((e) => e.step === 'cleanup').map((e) => e.detail)).toEqual([
      'removed vfleet-dp-31337-tx, left by a run that was killed',
      'removed vfleet-dp-31337-rx, left by a run that was killed',
    ]);
  });
});
