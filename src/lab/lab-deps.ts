import { join } from 'node:path';
import type { Clock, CommandRunner, ProgressSink } from '../core/ports.js';

/** What the lab needs from outside, handed in by the composition root or a test. */
export interface LabDeps {
  readonly runner: CommandRunner;
  /** Lab files live under `<cacheDir>/lab/`. */
  readonly cacheDir: string;
  /** The vfleet installation: shared read-only into guests, holds dist/ and scripts/. */
  readonly installDir: string;
  /** The node binary copied into the guest image. */
  readonly nodePath: string;
  readonly clock: Clock;
  readonly progress: ProgressSink;
}

export const labDir = (deps: Pick<LabDeps, 'cacheDir'>) => join(deps.cacheDir, 'lab');

export interface InstancePaths {
  readonly dir: string;
  readonly record: string;
  readonly pidFile: string;
  readonly serialLog: string;
  readonly agentSocket: string;
  readonly persistDir: string;
}

export function instancePaths(deps: Pick<LabDeps, 'cacheDir'>, name: string): InstancePaths {
  const dir = join(labDir(deps), 'instances', name);
  return {
    dir,
    record: join(dir, 'instance.json'),
    pidFile: join(dir, 'qemu.pid'),
    serialLog: join(dir, 'serial.log'),
    agentSocket: join(dir, 'agent.sock'),
    persistDir: join(dir, 'persist'),
  };
}
