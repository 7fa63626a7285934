import { VfleetError } from '../../core/errors.js';
import type { HostPlan } from '../../core/plan/plan-types.js';
import type { CommandRunner, HostFs } from '../../core/ports.js';
import { errorText } from './step-log.js';

const driverDir = (d: string) => `/sys/bus/pci/drivers/${d}`;

/**
 * Every VF driver the plan binds must be registered with the PCI core
 * (`/sys/bus/pci/drivers/<name>`), or drivers_probe would leave the VF
 * without any driver. A missing one is loaded with modprobe first; checked
 * before anything is changed. Returns the drivers that were loaded.
 */
export async function ensureVfDrivers(
  io: { fs: HostFs; runner: CommandRunner },
  plan: HostPlan,
): Promise<string[]> {
  const wanted = new Map<string, number>();
  for (const pf of plan.pfs) {
    for (const vf of pf.vfs) if (vf.driver) wanted.set(vf.driver.to, pf.entry);
  }
  const loaded: string[] = [];
  for (const [driver, entry] of wanted) {
    if (await io.fs.exists(driverDir(driver))) continue;
    let why: string;
    try {
      const r = await io.runner.run('modprobe', [driver]);
      why =
        r.exitCode === 0
          ? 'modprobe succeeded but registered no PCI driver of that name'
          : r.stderr.trim() || `modprobe exited with status ${r.exitCode}`;
    } catch (e) {
      why = errorText(e);
    }
    if (await io.fs.exists(driverDir(driver))) {
      loaded.push(driver);
      continue;
    }
    throw new VfleetError(
      'MISSING_DEPENDENCY',
      `VF driver ${driver} is not available (${driverDir(driver)} is missing; modprobe ${driver}: ${why}); nothing was changed`,
      { field: `pfs[${entry}].vfDriver`, driver },
    );
  }
  return loaded;
}
