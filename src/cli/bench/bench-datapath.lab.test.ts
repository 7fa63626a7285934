import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatapathReport } from '../../core/datapath/datapath-report.js';
import { wireMbps } from '../../core/datapath/line-rate.js';
import { guestOk, guestSh, newLab, writeGuestFile } from '../../testing/lab-kit.js';

// `vfleet bench datapath` end to end on a real kernel: QEMU's igb VFs and
// the kernel's own pktgen, in network namespaces. Emulated NICs say nothing
// about hardware, so the figures are printed, never compared.
const lab = newLab();
const NAME = `dp${process.pid}`;
const sh = (script: string) => guestSh(lab, NAME, script);
const ok = (script: string) => guestOk(lab, NAME, script);
const run = promisify(execFile);

const STATE = `pfs:
  - pciAddress: "0000:01:00.0"
    numVfs: 2
    vfDriver: kernel
`;
const SIZES = [64, 1518];
const BENCH = `vfleet bench datapath --frame-sizes ${SIZES.join(',')} --duration 0.5 --max-trials 5 --latency-samples 10`;

/** What the guest kernel has that a run could leave behind: namespaces, macvlans, VFs away from the host. */
const leftovers = async () => ({
  netns: (await ok('/usr/sbin/ip netns list')).trim(),
  macvlans: (await ok('/usr/sbin/ip -br link show type macvlan')).trim(),
  vfNetdevs: (await ok('ls /sys/bus/pci/devices/0000:01:00.0/virtfn*/net'))
    .split(/\s+/)
    .filter((s) => s.startsWith('eth')).length,
});

describe('vfleet bench datapath on a real kernel (lab)', () => {
  let report: DatapathReport;
  let table = '';
  const host = { dir: '' };

  beforeAll(async () => {
    host.dir = await mkdtemp(join(tmpdir(), 'vfleet-dp-'));
    await lab.up({ name: NAME, pfs: 1 });
    await writeGuestFile(lab, NAME, '/tmp/state.yaml', STATE);
    await ok('vfleet host apply -f /tmp/state.yaml >/dev/null');
  }, 600_000);
  afterAll(async () => {
    await lab.down(NAME).catch(() => undefined);
    await rm(host.dir, { recursive: true, force: true });
  });

  it('measures every path the lab offers, writes the report and charts, and says the NICs are emulated', async () => {
    const r = await sh(`${BENCH} --out /tmp/dp`);
    expect(r.exitCode, r.stderr).toBe(0);
    table = r.stdout;
    // Reported, not asserted: the trials and the figures, in the test's log.
    process.stdout.write(`\n${r.stderr}\n${table}`);
    expect(table).toContain('CAVEAT: The NICs are emulated by QEMU');
    // Progress while it runs: every trial, on stderr.
    expect(r.stderr).toMatch(/vf 64 B: info: trial 1: [\d,]+ pps sent/);
    report = JSON.parse(await ok('cat /tmp/dp/report.json')) as DatapathReport;
    expect(report).toMatchObject({ emulated: true, trialDurationMs: 500, acceptableLoss: 0 });
    expect(report.kernel).toMatch(/^\d+\.\d+/);
    expect(report.driver).toBe('igb (PF), igbvf (VF)');
    const measured = report.paths.filter((p) => p.skipped === null).map((p) => p.path);
    expect(measured).toEqual(['vf', 'macvtap']);
    for (const p of report.paths.filter((x) => x.skipped === null)) {
      expect(p.points.map((t) => t.frameSize)).toEqual(SIZES);
      expect(p.latency.map((l) => l.frameSize)).toEqual(SIZES);
      for (const t of p.points) {
        expect(t.trials).toBeGreaterThanOrEqual(1);
        expect(t.trials).toBeLessThanOrEqual(5);
        expect(t.mbps).toBeCloseTo(wireMbps(t.ratePps, t.frameSize), 6);
      }
    }
    for (const p of report.paths.filter((x) => x.skipped !== null)) expect(p.skipped).toMatch(/VM/);
    // The charts: valid SVG (xmllint) that librsvg renders to PNG, on the host.
    for (const chart of ['throughput-mbps', 'throughput-pps', 'latency-p99']) {
      const svg = join(host.dir, `${chart}.svg`);
      await writeFile(svg, await ok(`cat /tmp/dp/${chart}.svg`));
      await run('xmllint', ['--noout', svg]);
      await run('rsvg-convert', ['--format', 'png', '--output', `${svg}.png`, svg]);
      expect((await readFile(`${svg}.png`)).subarray(1, 4).toString()).toBe('PNG');
    }
  }, 600_000);

  it('leaves no namespace or macvlan behind and gives the VFs back', async () => {
    expect(await leftovers()).toEqual({ netns: '', macvlans: '', vfNetdevs: 2 });
  });

  it('stops on Ctrl-C mid-trial and still removes everything it made', async () => {
    // setsid: a process group of its own, so the signal reaches vfleet and
    // its children together, as a terminal's Ctrl-C does.
    const out = await ok(
      `setsid ${BENCH} --paths vf --duration 3 > /tmp/int.out 2> /tmp/int.err & p=$!; ` +
        'n=0; until grep -q "trial 1" /tmp/int.err; do n=$((n+1)); [ $n -gt 240 ] && break; sleep 0.5; done; ' +
        'kill -INT -$p; wait $p; echo "rc=$?"',
    );
    const err = await ok('cat /tmp/int.err');
    expect(out.trim(), err).toBe('rc=11');
    expect(err).toContain('SIGINT: stopping and cleaning up');
    expect(err).toContain('the VFs are back on the host');
    expect(await leftovers()).toEqual({ netns: '', macvlans: '', vfNetdevs: 2 });
  }, 600_000);
});
