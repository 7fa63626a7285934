import { computeHostPlan } from '../../core/plan/compute-plan.js';
import { parseStateText } from '../../core/plan/parse-state-text.js';
import {
  RESTORE_UNIT_NAME,
  RESTORE_UNIT_PATH,
  SAVED_STATE_PATH,
  renderRestoreUnit,
  type RestoreUnitPaths,
} from '../../core/restore-unit.js';
import type { HostIo } from '../host-io.js';
import { scanHost } from '../scan.js';
import { errorText } from './step-log.js';

export interface InstallBootStep {
  readonly action: string;
  readonly status: 'ok' | 'failed' | 'skipped';
  readonly detail: string | null;
}

/** The data of `vfleet host install-boot -o json|yaml`. */
export interface InstallBootReport {
  readonly statePath: string;
  readonly unitPath: string;
  readonly steps: readonly InstallBootStep[];
}

export interface InstallBootOptions extends RestoreUnitPaths {
  /** systemctl runs only against the live system (host root `/`). */
  readonly liveHost: boolean;
  /** Where the state came from, for messages. */
  readonly source: string;
}

const HEADER = `# Saved by vfleet host install-boot; vfleet-restore.service applies it at boot.\n# Change it with vfleet host install-boot -f <file>, not by hand.\n`;

/**
 * Makes the declared state survive reboots: validates it (file and host),
 * saves it verbatim (it stays the user's YAML, comments included) and writes
 * the restore unit, both atomically; then reloads systemd and enables the
 * unit when this is the live host and systemctl exists.
 */
export async function installBoot(
  stateText: string,
  io: HostIo,
  options: InstallBootOptions,
): Promise<InstallBootReport> {
  const state = parseStateText(stateText, options.source);
  computeHostPlan(state, await scanHost(io, { names: false }));
  const steps: InstallBootStep[] = [];
  await io.fs.writeFileAtomic(SAVED_STATE_PATH, HEADER + stateText, 0o644);
  steps.push({ action: `save state to ${SAVED_STATE_PATH}`, status: 'ok', detail: null });
  await io.fs.writeFileAtomic(RESTORE_UNIT_PATH, renderRestoreUnit(options), 0o644);
  steps.push({ action: `write ${RESTORE_UNIT_PATH}`, status: 'ok', detail: null });
  for (const args of [['daemon-reload'], ['enable', RESTORE_UNIT_NAME]]) {
    const action = `systemctl ${args.join(' ')}`;
    if (!options.liveHost) {
      steps.push({
        action,
        status: 'skipped',
        detail: 'host root is not /: enable the unit on that system',
      });
      continue;
    }
    try {
      const r = await io.runner.run('systemctl', args);
      steps.push(
        r.exitCode === 0
          ? { action, status: 'ok', detail: null }
          : { action, status: 'failed', detail: r.stderr.trim() || `exit status ${r.exitCode}` },
      );
    } catch (e) {
      steps.push({ action, status: 'skipped', detail: `${errorText(e)}; run it by hand` });
    }
  }
  return { statePath: SAVED_STATE_PATH, unitPath: RESTORE_UNIT_PATH, steps };
}
