import { VfleetError } from '../../core/errors.js';
import type { ApplyReport } from '../../core/plan/apply-report.js';
import { parseStateText } from '../../core/plan/parse-state-text.js';
import { SAVED_STATE_PATH } from '../../core/restore-unit.js';
import type { ApplyIo } from '../host-io.js';
import { applyHostState, type ApplyOptions } from './apply-host-state.js';

/** Boot is when PF drivers may still be probing; wait this long for them by default. */
export const RESTORE_PF_WAIT_MS = 60_000;

/** `vfleet host restore`: applies the state saved by install-boot. */
export async function restoreHostState(
  io: ApplyIo,
  options: ApplyOptions = {},
): Promise<ApplyReport> {
  const text = await io.fs.readText(SAVED_STATE_PATH);
  if (text === null) {
    throw new VfleetError(
      'NOT_FOUND',
      `no saved state at ${SAVED_STATE_PATH}; save one with vfleet host install-boot -f state.yaml`,
      { path: SAVED_STATE_PATH },
    );
  }
  const state = parseStateText(text, SAVED_STATE_PATH);
  return applyHostState(state, io, { pfWaitMs: RESTORE_PF_WAIT_MS, ...options });
}
