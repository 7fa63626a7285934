import { pfsNeedingCarrier, waitForCarrier } from './pf-carrier.js';
import type { HostState } from '../../core/desired-state.js';
import type { HostInventory } from '../../core/inventory.js';
import type { ApplyReport } from '../../core/plan/apply-report.js';
import { computeHostPlan } from '../../core/plan/compute-plan.js';
import type { DevicePfPlan, HostPlan, PfPlan } from '../../core/plan/plan-types.js';
import { findUnsafeChanges, needsVfioHolders, unsafeChangeError } from '../../core/plan/safety.js';
import type { ProgressSink } from '../../core/ports.js';
import type { ApplyIo, HostIo } from '../host-io.js';
import { scanHost } from '../scan.js';
import { reconcileSteps } from './apply-verify.js';
import { applyDevicePfLevel } from './device-pf-steps.js';
import { ensureVfDrivers } from './driver-availability.js';
import { changeModeWithVfsUnbound, setEswitchMode, setTcOffload } from './eswitch-steps.js';
import { bringPfUp, setNumVfs, waitForVfs } from './pf-steps.js';
import { applyVdpa } from './vdpa-steps.js';
import { waitForReadyPfs } from './pf-wait.js';
import { StepLog, errorText } from './step-log.js';
import { applyVfAttributes } from './vf-attribute-batch.js';
import { bindPlannedDrivers } from './vf-driver-binding.js';
import { scanVfioHolders } from './vfio-holders.js';

export interface ApplyOptions {
  /** Change VFs that are in use (see docs/host-state.md, "Safety"). */
  readonly force?: boolean;
  readonly onProgress?: ProgressSink;
  /** Bound on waiting for new VFs to appear and bind. Default 30 s. */
  readonly vfWaitMs?: number;
  /** Bound on waiting for the state's PFs to be probed (boot-time restore). Default 0. */
  readonly pfWaitMs?: number;
  /** Bound on waiting for one VF to bind after drivers_probe. Default 5 s. */
  readonly bindWaitMs?: number;
  readonly pollMs?: number;
  /** Bound on waiting for PF carrier before VF rates (igb needs link). Default 15 s. */
  readonly carrierWaitMs?: number;
  /** Inventory source; the real scan unless a test substitutes one. */
  readonly scan?: (io: HostIo) => Promise<HostInventory>;
}

/**
 * Brings the host to `state`: validates everything against the host and
 * refuses unsafe changes before the first write, then PF links, eswitch
 * modes and VF counts (0 first when the count changes), a bounded wait for
 * the VFs, driver binding, VF settings in one `ip -batch`, hw-tc-offload,
 * vDPA devices, and a re-scan that verifies what reads back. Each phase is planned again from a fresh scan, so new VFs are
 * known by then, and a run cut short converges on the next one. A converged
 * host costs one scan: no command that changes anything, no write.
 */
export async function applyHostState(
  state: HostState,
  io: ApplyIo,
  options: ApplyOptions = {},
): Promise<ApplyReport> {
  const clock = io.clock;
  const scan = options.scan ?? ((x: HostIo) => scanHost(x, { names: false }));
  const pollMs = options.pollMs ?? 100;
  const inventory =
    (options.pfWaitMs ?? 0) > 0
      ? await waitForReadyPfs(state, io, scan, options.pfWaitMs ?? 0, pollMs, options.onProgress)
      : await scan(io);
  const plan = computeHostPlan(state, inventory);
  if (plan.changes === 0) {
    return { plan, steps: [], remainingChanges: 0, converged: true, forced: [], loadedDrivers: [] };
  }

  const loadedDrivers = await ensureVfDrivers(io, plan);
  const facts = needsVfioHolders(plan, inventory)
    ? await scanVfioHolders(io.fs)
    : { vfioHolders: [], uninspectedProcesses: 0 };
  const unsafe = findUnsafeChanges(plan, inventory, state, facts);
  if (unsafe.length > 0 && options.force !== true) throw unsafeChangeError(unsafe);

  const log = new StepLog(options.onProgress);
  for (const u of unsafe) log.info(`${u.pf} vf ${u.index}`, `forced: ${u.reasons.join('; ')}`);
  const blocked = new Set<string>();

  // Phase 1: PF links, eswitch modes (in each driver's order) and VF counts; PFs off PCI after.
  for (const pf of plan.pfs) {
    if (pf.link) await bringPfUp(io.runner, log, pf);
    const order = pf.eswitch?.order ?? null;
    const modeNow =
      order === 'any' || (order === 'no-vfs' && pf.numVfs === null)
        ? await setEswitchMode(io.runner, log, pf)
        : true;
    const atZero = order === 'no-vfs' ? () => setEswitchMode(io.runner, log, pf) : undefined;
    if (!modeNow || (pf.numVfs && !(await setNumVfs(io.fs, log, pf, atZero))))
      blocked.add(pf.pciAddress);
  }
  for (const pf of plan.devices)
    if (!(await applyDevicePfLevel(io, log, pf))) blocked.add(pf.device);
  const waits = plan.pfs.flatMap((pf) =>
    pf.numVfs && pf.numVfs.to > 0 && !blocked.has(pf.pciAddress)
      ? [{ pf: pf.pciAddress, count: pf.numVfs.to }]
      : [],
  );
  if (waits.length > 0) {
    for (const pf of await waitForVfs(
      { fs: io.fs, clock },
      log,
      waits,
      options.vfWaitMs ?? 30_000,
      pollMs,
    )) {
      blocked.add(pf);
    }
  }
  // mlx5: the mode changes with the VFs there but held by no driver.
  const unbound = plan.pfs.filter(
    (pf) => pf.eswitch?.order === 'vfs-unbound' && !blocked.has(pf.pciAddress),
  );
  if (unbound.length > 0) {
    const now = await scan(io);
    for (const pf of unbound) {
      const vfs = now.pfs.find((p) => p.pciAddress === pf.pciAddress)?.vfs ?? [];
      const addrs = vfs.map((v) => v.pciAddress);
      if (!(await changeModeWithVfsUnbound(io, log, pf, addrs))) blocked.add(pf.pciAddress);
    }
  }
  for (const pf of blocked)
    log.add(
      pf,
      null,
      'vfs',
      'VF drivers and settings',
      'skipped',
      'the VF count or eswitch mode was not reached',
    );

  // Phase 2: drivers, planned again now that new VFs exist.
  const replan = async (phase: string): Promise<HostPlan | null> => {
    try {
      return computeHostPlan(state, await scan(io));
    } catch (e) {
      log.add('host', null, 'replan', `plan ${phase}`, 'failed', errorText(e));
      return null;
    }
  };
  const phase1Ran = log.steps.length > 0;
  let current = phase1Ran ? await replan('drivers') : plan;
  const open = (p: HostPlan | null): PfPlan[] =>
    p === null ? [] : p.pfs.filter((pf) => !blocked.has(pf.pciAddress));
  const openDevices = (p: HostPlan | null): DevicePfPlan[] =>
    p === null ? [] : p.devices.filter((pf) => !blocked.has(pf.device));
  const bound = await bindPlannedDrivers({ fs: io.fs, clock }, log, open(current), {
    waitMs: options.bindWaitMs ?? 5000,
    pollMs,
  });

  // Phase 3: VF settings through the PF, after binding (as libvirt does for vfio VFs).
  if (bound) current = await replan('VF settings');
  await waitForCarrier(
    { fs: io.fs, clock },
    log,
    pfsNeedingCarrier(plan.pfs, open(current)),
    options.carrierWaitMs ?? 15_000,
    pollMs,
  );
  const settled = [...open(current), ...openDevices(current)];
  await applyVfAttributes(io.runner, log, settled);
  for (const pf of settled) await setTcOffload(io.runner, log, pf);

  // Phase 4: vDPA devices, on VFs that now exist, are bound and (mlx5) in switchdev.
  if (plan.vdpa.length > 0 || open(current).some((pf) => pf.vfs.some((v) => v.vdpa !== null))) {
    current = await replan('vDPA devices');
    if (current !== null) await applyVdpa(io, log, { pfs: open(current), vdpa: current.vdpa });
  }

  // Verify from what the host reads back.
  let remainingChanges: number | null = null;
  try {
    const after = computeHostPlan(state, await scan(io));
    reconcileSteps(log, after, blocked);
    remainingChanges = after.changes;
  } catch (e) {
    log.add('host', null, 'verify', 'verify', 'failed', errorText(e));
  }
  return {
    plan,
    steps: log.steps,
    remainingChanges,
    converged: remainingChanges === 0,
    forced: unsafe,
    loadedDrivers,
  };
}
