import { VfleetError } from '../core/errors.js';
import type { AgentCall, AgentResult } from './agent-client.js';
import { callAgent } from './agent-client.js';
import { serialLogSize, waitReady } from './boot-wait.js';
import type { InstanceRecord } from './instance.js';
import {
  instanceNames,
  readPidFile,
  readRecord,
  removeInstance,
  runningQemuPid,
  stopQemu,
} from './instance.js';
import type { LabDeps } from './lab-deps.js';
import { instancePaths } from './lab-deps.js';
import type { LabImage } from './lab-image.js';
import { buildImage } from './lab-image.js';
import type { LabKernel } from './lab-options.js';
import { parseLabName } from './lab-options.js';
import type { LabUpRequest, LabUpResult } from './lab-up.js';
import { READY_TIMEOUT_MS, labUp } from './lab-up.js';
import { pathExists } from './path-exists.js';

export interface LabStatus extends InstanceRecord {
  readonly running: boolean;
  readonly uptimeS: number | null;
  readonly serialLog: string;
}

export interface LabRunOptions extends Omit<AgentCall, 'argv'> {
  readonly name?: string;
}

/** Guest commands without a time limit of their own get this one. */
const DEFAULT_RUN_TIMEOUT_MS = 600_000;

export interface Lab {
  build(kernel?: LabKernel): Promise<LabImage>;
  up(input?: LabUpRequest): Promise<LabUpResult>;
  run(argv: readonly string[], opts?: LabRunOptions): Promise<AgentResult>;
  reboot(name?: string): Promise<{ readonly name: string; readonly bootMs: number }>;
  down(name?: string): Promise<{ readonly name: string; readonly stopped: boolean }>;
  status(): Promise<LabStatus[]>;
}

/**
 * The real-kernel lab: igb PFs with real SR-IOV in a QEMU guest, driven
 * through its agent. The CLI (`vfleet lab ...`) and the lab tests both use
 * this API; several labs run side by side under different names.
 */
export function createLab(deps: LabDeps): Lab {
  const requireUp = async (name: string) => {
    const paths = instancePaths(deps, name);
    const pid = await runningQemuPid(paths);
    const record = await readRecord(paths);
    if (pid === null || record === null) {
      throw new VfleetError('NOT_FOUND', `lab "${name}" is not up (vfleet lab up --name ${name})`, {
        field: 'name',
      });
    }
    return { pid, record, paths };
  };

  const run: Lab['run'] = async (argv, opts = {}) => {
    const { name, ...call } = opts;
    const { paths } = await requireUp(parseLabName(name));
    const timeoutMs = call.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
    // The guest enforces the limit; the host waits a little longer for its answer.
    return callAgent(
      paths.agentSocket,
      { ...call, argv, timeoutMs },
      timeoutMs + 15_000,
      deps.clock,
    );
  };

  const reboot: Lab['reboot'] = async (rawName) => {
    const name = parseLabName(rawName);
    const { pid, record, paths } = await requireUp(name);
    const bootId = ['cat', '/proc/sys/kernel/random/boot_id'];
    const before = await callAgent(paths.agentSocket, { argv: bootId }, 15_000, deps.clock);
    const logFrom = await serialLogSize(paths);
    const t0 = deps.clock.now();
    deps.progress({ step: 'reboot', status: 'start', detail: `lab ${name}` });
    // busybox init shuts down in order (sync, stop processes), then resets the
    // machine; the agent may be gone before it answers.
    await callAgent(
      paths.agentSocket,
      { argv: ['/usr/bin/busybox', 'reboot'] },
      10_000,
      deps.clock,
    ).catch(() => undefined);
    await waitReady(deps, paths, {
      pid,
      pfs: record.options.pfs,
      timeoutMs: READY_TIMEOUT_MS,
      notBootId: before.stdout.trim(),
      logFrom,
    });
    const bootMs = deps.clock.now() - t0;
    const secs = (bootMs / 1000).toFixed(1);
    deps.progress({ step: 'reboot', status: 'ok', detail: `lab ${name} ready in ${secs} s` });
    return { name, bootMs };
  };

  const down: Lab['down'] = async (rawName) => {
    const name = parseLabName(rawName);
    const paths = instancePaths(deps, name);
    if (!(await pathExists(paths.dir))) {
      throw new VfleetError('NOT_FOUND', `there is no lab "${name}"`, { field: 'name' });
    }
    const pid = await readPidFile(paths);
    const stopped = pid !== null && (await stopQemu(pid, paths, deps.clock));
    await removeInstance(paths);
    const detail = `lab ${name}${stopped ? ' (QEMU ended)' : ' was not running'}`;
    deps.progress({ step: 'down', status: 'ok', detail });
    return { name, stopped };
  };

  const status: Lab['status'] = async () => {
    const out: LabStatus[] = [];
    for (const name of await instanceNames(deps)) {
      const paths = instancePaths(deps, name);
      const record = await readRecord(paths);
      if (record === null) continue;
      const running = (await runningQemuPid(paths)) !== null;
      const uptimeS = running ? Math.round((deps.clock.now() - record.startedAt) / 1000) : null;
      out.push({ ...record, running, uptimeS, serialLog: paths.serialLog });
    }
    return out;
  };

  return {
    build: (kernel) => buildImage(deps, kernel),
    up: (input = {}) => labUp(deps, input),
    run,
    reboot,
    down,
    status,
  };
}
