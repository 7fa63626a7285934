import { afterEach, describe, expect, it } from 'vitest';
import { parseHostState } from '../../core/desired-state.js';
import type { VfleetError } from '../../core/errors.js';
import type { Clock, ProgressEvent } from '../../core/ports.js';
import type { FixtureHost, LoggedCommand } from '../../testing/fixture-host.js';
import { buildFixtureHost } from '../../testing/fixture-host.js';
import { realClock } from '../../testing/real-clock.js';
import type { FixtureHostSpec } from '../../testing/fixture-spec.js';
import {
  createSimulatedKernelFs,
  type SimulatedKernelOptions,
} from '../../testing/simulated-kernel-fs.js';
import { scanHost } from '../scan.js';
import { applyHostState, type ApplyOptions } from './apply-host-state.js';

let host: FixtureHost | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

const PF = '0000:01:00.0';
const PF2 = '0000:81:00.0';
const fast = { pollMs: 5, vfWaitMs: 2000 } satisfies ApplyOptions;

async function fixture(spec: FixtureHostSpec) {
  host = await buildFixtureHost(spec);
  return host;
}

/** A kernel over the fixture (a fresh one per run, as after a crash or a second invocation). */
function kernel(h: FixtureHost, options: SimulatedKernelOptions = {}) {
  const k = createSimulatedKernelFs(h, options);
  return { k, io: { fs: k.fs, runner: h.runner, clock: realClock } };
}

/** Commands that change something: everything but the scan's `ip -j -d link show`. */
const changing = (cmds: readonly LoggedCommand[]) =>
  cmds.filter((c) => !(c.command === 'ip' && c.argv.includes('show')));

const vfsOf = async (h: FixtureHost, pf = PF) =>
  (await scanHost(h, { names: false })).pfs.find((p) => p.pciAddress === pf)?.vfs ?? [];

const fullState = parseHostState({
  pfs: [
    {
      pciAddress: PF,
      numVfs: 4,
      vfDriver: 'vfio-pci',
      vfs: [
        { index: 0, mac: 'fa:16:3e:5a:84:c7' },
        { index: 1, mac: 'fa:16:3e:00:00:01', vlan: 2401, qos: 3 },
        { range: '2-3', spoofchk: false, trust: true, maxTxRate: 100 },
      ],
    },
  ],
});

describe('applyHostState on a fixture host', () => {
  it('creates VFs, binds them, sets every attribute in one ip -batch, and verifies', async () => {
    const h = await fixture({ pfs: [{ pciAddress: PF }, { pciAddress: PF2, vfs: 2 }] });
    const { k, io } = kernel(h);
    const events: ProgressEvent[] = [];
    const report = await applyHostState(fullState, io, {
      ...fast,
      onProgress: (e) => events.push(e),
    });

    expect(report.converged).toBe(true);
    expect(report.steps.filter((s) => s.status !== 'ok')).toEqual([]);
    const vfs = await vfsOf(h);
    expect(
      vfs.map((v) => [
        v.pciAddress,
        v.driver,
        v.mac,
        v.vlan,
        v.qos,
        v.trust,
        v.spoofchk,
        v.maxTxRate,
      ]),
    ).toEqual([
      ['0000:01:10.0', 'vfio-pci', 'fa:16:3e:5a:84:c7', 0, 0, false, true, 0],
      ['0000:01:10.2', 'vfio-pci', 'fa:16:3e:00:00:01', 2401, 3, false, true, 0],
      ['0000:01:10.4', 'vfio-pci', '00:00:00:00:00:00', 0, 0, true, false, 100],
      ['0000:01:10.6', 'vfio-pci', '00:00:00:00:00:00', 0, 0, true, false, 100],
    ]);
    // Count first, then drivers, then settings; one ip process for all settings.
    const writes = k.writes().map((w) => w.path);
    expect(writes[0]).toBe(`/sys/bus/pci/devices/${PF}/sriov_numvfs`);
    expect(writes.slice(1, 4)).toEqual([
      '/sys/bus/pci/devices/0000:01:10.0/driver_override',
      '/sys/bus/pci/devices/0000:01:10.0/driver/unbind',
      '/sys/bus/pci/drivers_probe',
    ]);
    const cmds = changing(await h.commands());
    expect(cmds.filter((c) => c.argv[0] !== 'batch')).toEqual([
      { command: 'ip', argv: ['-force', '-batch', '-'] },
    ]);
    expect(cmds.filter((c) => c.argv[0] === 'batch').map((c) => c.argv[1])).toContain(
      'link set dev pf01 vf 1 vlan 2401 qos 3',
    );
    // The PF the state does not name is never touched.
    expect(writes.some((p) => p.includes('0000:81:'))).toBe(false);
    expect(events.some((e) => e.status === 'start' && e.step.includes('numVfs 0 -> 4'))).toBe(true);
  });

  it('changes nothing on a second run: no write, no changing command', async () => {
    const h = await fixture({ pfs: [{ pciAddress: PF }] });
    await applyHostState(fullState, kernel(h).io, fast);
    const before = (await h.commands()).length;
    const { k, io } = kernel(h);
    const again = await applyHostState(fullState, io, fast);
    expect(again.plan.changes).toBe(0);
    expect(again.steps).toEqual([]);
    expect(k.writes()).toEqual([]);
    expect(changing((await h.commands()).slice(before))).toEqual([]);
  });

  it('reports a setting the driver rejects for that VF only and sets the rest', async () => {
    const h = await fixture({ pfs: [{ pciAddress: PF, vfs: 2, unsupported: ['state'] }] });
    const state = parseHostState({
      pfs: [
        {
          pciAddress: PF,
          numVfs: 2,
          vfs: [
            { index: 0, state: 'disable', trust: true },
            { index: 1, mac: 'fa:16:3e:00:00:02' },
          ],
        },
      ],
    });
    const report = await applyHostState(state, kernel(h).io, fast);
    expect(report.steps.map((s) => [s.vf, s.target, s.status, s.detail])).toEqual([
      [0, 'trust', 'ok', null],
      [0, 'state', 'unsupported', 'RTNETLINK answers: Operation not supported'],
      [1, 'mac', 'ok', null],
    ]);
    expect([report.converged, report.remainingChanges]).toEqual([false, 1]);
    const vfs = await vfsOf(h);
    expect([vfs[0]?.trust, vfs[0]?.linkState, vfs[1]?.mac]).toEqual([
      true,
      'auto',
      'fa:16:3e:00:00:02',
    ]);
  });

  it('changes a count 4 -> 7 through 0, and brings a down PF up first', async () => {
    const h = await fixture({ pfs: [{ pciAddress: PF, vfs: 4, up: false }] });
    const { k, io } = kernel(h);
    const report = await applyHostState(
      parseHostState({ pfs: [{ pciAddress: PF, numVfs: 7 }] }),
      io,
      fast,
    );
    expect(report.converged).toBe(true);
    expect(report.steps.map((s) => s.action)).toEqual([
      'link down -> up',
      'numVfs 4 -> 0',
      'numVfs 0 -> 7',
      'wait for 7 VF(s)',
    ]);
    expect(k.writes().map((w) => w.value)).toEqual(['0', '7']);
    expect(changing(await h.commands())).toEqual([
      { command: 'ip', argv: ['link', 'set', 'dev', 'pf01', 'up'] },
    ]);
  });

  it('converges on the next run after a write failed mid-way', async () => {
    const h = await fixture({ pfs: [{ pciAddress: PF }] });
    // Write 3 is VF 0's unbind (1: sriov_numvfs, 2: its driver_override).
    const first = await applyHostState(
      fullState,
      kernel(h, { failWrite: { at: 3, errno: 'EIO', message: 'I/O error' } }).io,
      fast,
    );
    expect(first.converged).toBe(false);
    expect(
      first.steps.filter((s) => s.status === 'failed').map((s) => [s.vf, s.target, s.detail]),
    ).toEqual([[0, 'driver', expect.stringMatching(/EIO/)]]);
    // Every other VF and setting went ahead.
    expect(first.remainingChanges).toBe(1);
    const second = await applyHostState(fullState, kernel(h).io, fast);
    expect(second.plan.changes).toBe(1);
    expect(second.converged).toBe(true);
    expect((await vfsOf(h)).map((v) => v.driver)).toEqual([
      'vfio-pci',
      'vfio-pci',
      'vfio-pci',
      'vfio-pci',
    ]);
  });

  it('converges after a count change stopped at 0 (the N write failed)', async () => {
    const h = await fixture({ pfs: [{ pciAddress: PF, vfs: 2 }] });
    const state = parseHostState({
      pfs: [{ pciAddress: PF, numVfs: 3, vfs: [{ index: 2, trust: true }] }],
    });
    const first = await applyHostState(
      state,
      kernel(h, { failWrite: { at: 2, errno: 'ENOMEM', message: 'Cannot allocate memory' } }).io,
      fast,
    );
    expect(first.steps.map((s) => [s.action, s.status])).toEqual([
      ['numVfs 2 -> 0', 'ok'],
      ['numVfs 0 -> 3', 'failed'],
      ['VF drivers and settings', 'skipped'],
    ]);
    expect((await vfsOf(h)).length).toBe(0);
    const second = await applyHostState(state, kernel(h).io, fast);
    expect(second.converged).toBe(true);
    expect((await vfsOf(h)).map((v) => v.trust)).toEqual([false, false, true]);
  });

  it('waits for VF drivers the kernel binds asynchronously', async () => {
    const h = await fixture({ pfs: [{ pciAddress: PF }] });
    // A bound well above the probe delay: a loaded machine (the lab's QEMU
    // beside this suite) must not make the wait give up before the probes ran.
    const report = await applyHostState(fullState, kernel(h, { probeDelayMs: 60 }).io, {
      ...fast,
      vfWaitMs: 20_000,
    });
    expect(report.converged).toBe(true);
  });

  it('gives up waiting for VFs after the bound and skips that PF', async () => {
    const h = await fixture({ pfs: [{ pciAddress: PF }] });
    let t = 0;
    const clock: Clock = { now: () => t, sleep: (ms) => Promise.resolve(void (t += ms)) };
    // The plain fixture fs stores the count but never creates VFs: a kernel that does not answer.
    const report = await applyHostState(
      fullState,
      { fs: h.fs, runner: h.runner, clock },
      { vfWaitMs: 30_000, pollMs: 500 },
    );
    const wait = report.steps.find((s) => s.target === 'wait');
    expect([wait?.status, wait?.detail]).toEqual([
      'failed',
      'timed out after 30 s: 0 of 4 VF(s) present',
    ]);
    expect(t).toBeGreaterThanOrEqual(30_000);
    expect(report.steps.some((s) => s.target === 'driver')).toBe(false);
    expect(report.converged).toBe(false);
  });

  it('binds VFs back to the kernel driver', async () => {
    const h = await fixture({ pfs: [{ pciAddress: PF, vfs: [{ driver: 'vfio-pci' }, {}] }] });
    const { k, io } = kernel(h);
    const report = await applyHostState(
      parseHostState({ pfs: [{ pciAddress: PF, numVfs: 2, vfDriver: 'kernel' }] }),
      io,
      fast,
    );
    expect(report.converged).toBe(true);
    expect(k.writes().map((w) => [w.path.split('/').pop(), w.value])).toEqual([
      ['driver_override', '\n'],
      ['unbind', '0000:01:10.0'],
      ['drivers_probe', '0000:01:10.0'],
    ]);
    expect((await vfsOf(h)).map((v) => [v.driver, v.driverOverride])).toEqual([
      ['igbvf', null],
      ['igbvf', null],
    ]);
  });
});

describe('applyHostState checks before any write', () => {
  async function refused(spec: FixtureHostSpec, state: unknown, options: ApplyOptions = {}) {
    const h = await fixture(spec);
    const { k, io } = kernel(h);
    const error = await applyHostState(parseHostState(state), io, { ...fast, ...options }).then(
      () => null,
      (e: unknown) => e as VfleetError,
    );
    return { error, writes: k.writes(), commands: changing(await h.commands()), h };
  }

  it('refuses numVfs above totalVfs with nothing changed', async () => {
    const r = await refused(
      { pfs: [{ pciAddress: PF, up: false }] },
      { pfs: [{ pciAddress: PF, numVfs: 8 }] },
    );
    expect([r.error?.code, r.error?.details.field]).toEqual(['INVALID_INPUT', 'pfs[0].numVfs']);
    expect([r.writes, r.commands]).toEqual([[], []]);
  });

  it('loads vfio-pci with modprobe, and fails MISSING_DEPENDENCY when it stays absent', async () => {
    const r = await refused(
      { pfs: [{ pciAddress: PF }], vfioLoaded: false },
      { pfs: [{ pciAddress: PF, numVfs: 2, vfDriver: 'vfio-pci' }] },
    );
    expect([r.error?.code, r.error?.details.field]).toEqual([
      'MISSING_DEPENDENCY',
      'pfs[0].vfDriver',
    ]);
    expect(r.commands).toEqual([{ command: 'modprobe', argv: ['vfio-pci'] }]);
    expect(r.writes).toEqual([]);
  });

  it('refuses to destroy a VF a VM holds through /dev/vfio, unless forced', async () => {
    const spec: FixtureHostSpec = { pfs: [{ pciAddress: PF, vfs: [{}, { driver: 'vfio-pci' }] }] };
    const state = { pfs: [{ pciAddress: PF, numVfs: 4 }] };
    host = await buildFixtureHost(spec);
    const group = (await vfsOf(host))[1]?.iommuGroup;
    await host.files.file('/proc/4242/comm', 'qemu-system-x86\n');
    await host.files.link('/proc/4242/fd/0', '/dev/null');
    await host.files.link('/proc/4242/fd/23', `/dev/vfio/${group}`);
    const h = host;
    const { k, io } = kernel(h);
    const error = await applyHostState(parseHostState(state), io, fast).catch(
      (e: unknown) => e as VfleetError,
    );
    expect(error).toMatchObject({ code: 'UNSAFE_CHANGE' });
    expect((error as VfleetError).message).toContain(
      `vf 1 (0000:01:10.2) would be destroyed: bound to vfio-pci and held open by pid 4242 (qemu-system-x86) through /dev/vfio/${group}`,
    );
    expect(k.writes()).toEqual([]);
    const forced = await applyHostState(parseHostState(state), io, { ...fast, force: true });
    expect(forced.forced.map((u) => u.index)).toEqual([1]);
    expect(forced.converged).toBe(true);
  });

  it('refuses to destroy settings the state does not declare', async () => {
    const r = await refused(
      { pfs: [{ pciAddress: PF, vfs: [{ info: { address: 'fa:16:3e:00:00:05' } }] }] },
      { pfs: [{ pciAddress: PF, numVfs: 2 }] },
    );
    expect(r.error?.code).toBe('UNSAFE_CHANGE');
    expect(r.error?.message).toMatch(/mac fa:16:3e:00:00:05/);
    expect(r.writes).toEqual([]);
  });
});
