import type { DriverChange, PfPlan } from '../../core/plan/plan-types.js';
import { describeDriverChange } from '../../core/plan/render-plan.js';
import type { Clock, HostFs } from '../../core/ports.js';
import { errorText, type StepLog } from './step-log.js';

const dev = (addr: string) => `/sys/bus/pci/devices/${addr}`;

const boundDriver = async (fs: HostFs, vf: string): Promise<string | null> =>
  (await fs.readLink(`${dev(vf)}/driver`))?.split('/').pop() ?? null;

/**
 * Moves one VF to its driver the way the kernel documents it: set (or clear,
 * for the VF's own kernel driver) `driver_override`, unbind from the current
 * driver, then `drivers_probe` so the kernel binds the one it now prefers.
 * Each write is idempotent, so a run cut short is finished by the next one.
 * Throws (a VfleetError from HostFs) on a refused write; returns the driver
 * bound in the end.
 */
export async function bindVfDriver(
  io: { fs: HostFs; clock: Clock },
  vf: string,
  change: DriverChange,
  waitMs: number,
  pollMs: number,
): Promise<string | null> {
  const { fs, clock } = io;
  // "\n" clears driver_override, as `echo > driver_override` does.
  await fs.writeText(`${dev(vf)}/driver_override`, change.method === 'override' ? change.to : '\n');
  let bound = await boundDriver(fs, vf);
  if (bound === change.to) return bound;
  if (bound !== null) await fs.writeText(`${dev(vf)}/driver/unbind`, vf);
  await fs.writeText('/sys/bus/pci/drivers_probe', vf);
  // drivers_probe binds synchronously on the kernels seen so far; the bounded
  // wait covers drivers that defer their probe.
  const deadline = clock.now() + waitMs;
  for (;;) {
    bound = await boundDriver(fs, vf);
    if (bound === change.to || clock.now() >= deadline) return bound;
    await clock.sleep(pollMs);
  }
}

/**
 * Binds every planned driver change of `pfs`, one VF after the other, one
 * step each. A failure is reported for that VF and the others go on.
 * Returns whether any change was planned (the caller then re-scans).
 */
export async function bindPlannedDrivers(
  io: { fs: HostFs; clock: Clock },
  log: StepLog,
  pfs: readonly PfPlan[],
  timing: { waitMs: number; pollMs: number },
): Promise<boolean> {
  let any = false;
  for (const pf of pfs) {
    for (const vf of pf.vfs) {
      if (vf.driver === null) continue;
      any = true;
      const step = log.start(
        pf.pciAddress,
        vf.index,
        'driver',
        describeDriverChange(vf) ?? 'driver',
      );
      if (vf.isNew || vf.pciAddress === null) {
        log.finish(step, 'failed', 'the VF does not exist');
        continue;
      }
      try {
        const now = await bindVfDriver(io, vf.pciAddress, vf.driver, timing.waitMs, timing.pollMs);
        if (now === vf.driver.to) log.finish(step, 'ok');
        else
          log.finish(
            step,
            'failed',
            `after drivers_probe the VF is bound to ${now ?? 'no driver'}`,
          );
      } catch (e) {
        log.finish(step, 'failed', errorText(e));
      }
    }
  }
  return any;
}
