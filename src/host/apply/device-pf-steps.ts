import type { DevicePfPlan } from '../../core/plan/plan-types.js';
import type { CommandRunner, HostFs } from '../../core/ports.js';
import { setEswitchMode } from './eswitch-steps.js';
import { bringPfUp, setNumVfs } from './pf-steps.js';
import type { StepLog } from './step-log.js';

/**
 * The PF-level steps of a PF off PCI (a `device` entry): its link, its VF
 * count (`/sys/bus/<bus>/devices/<name>/sriov_numvfs`), its eswitch mode.
 * The count comes before the mode: netdevsim falls back to legacy when its
 * count goes to 0 in switchdev mode (nsim_drv_configure_vfs), so a mode set
 * first would be undone by a count change through 0. A driver that takes the
 * mode only without VFs gets it at 0, as a PCI PF does. No wait follows:
 * netdevsim has made its VFs when the write returns, and the settings step
 * re-plans from a fresh scan. Returns false when the count or mode was not
 * reached (the PF's VF settings are then skipped).
 */
export async function applyDevicePfLevel(
  io: { fs: HostFs; runner: CommandRunner },
  log: StepLog,
  pf: DevicePfPlan,
): Promise<boolean> {
  if (pf.link) await bringPfUp(io.runner, log, pf);
  if (pf.eswitch?.order === 'no-vfs') {
    if (pf.numVfs === null) return setEswitchMode(io.runner, log, pf);
    return setNumVfs(io.fs, log, pf, () => setEswitchMode(io.runner, log, pf));
  }
  if (!(await setNumVfs(io.fs, log, pf))) return false;
  return setEswitchMode(io.runner, log, pf);
}
