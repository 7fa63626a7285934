import type { Pf } from '../inventory.js';
import { NO_ESWITCH_DRIVERS, eswitchOrder, type EswitchMode } from '../vocabulary.js';
import type { PlanProblem } from './plan-problems.js';
import type { EswitchChange } from './plan-types.js';

/** The eswitch mode change a PF (on PCI or off it) needs, in its driver's order; null when none. */
export function planEswitch(
  at: string,
  label: string,
  mode: EswitchMode | undefined,
  pf: Pick<Pf, 'driver' | 'eswitchMode'>,
  problems: PlanProblem[],
): EswitchChange | null {
  if (mode === undefined || mode === pf.eswitchMode) return null;
  if (pf.driver !== null && NO_ESWITCH_DRIVERS.has(pf.driver)) {
    problems.push({
      code: 'INVALID_INPUT',
      field: `${at}.eswitchMode`,
      reason: `${label} is driven by ${pf.driver}, which has no devlink eswitch (switchdev needs mlx5_core, ice, or another switchdev driver)`,
    });
  }
  return { from: pf.eswitchMode, to: mode, order: eswitchOrder(pf.driver) };
}
