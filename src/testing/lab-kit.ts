import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createExecRunner } from '../adapters/exec/exec-runner.js';
import type { Lab } from '../lab/lab.js';
import { createLab } from '../lab/lab.js';
import type { LabDeps } from '../lab/lab-deps.js';

/** Lab access for `*.lab.test.ts`: real kernels under QEMU, driven through the guest agent. */
export const installDir = resolve(import.meta.dirname, '..', '..');

export const labDeps: LabDeps = {
  runner: createExecRunner({ path: process.env.PATH, env: process.env }),
  cacheDir: process.env.VFLEET_CACHE_DIR ?? join(installDir, '.cache'),
  installDir,
  nodePath: realpathSync(process.execPath),
  clock: { now: () => Date.now(), sleep: (ms) => new Promise<void>((r) => setTimeout(r, ms)) },
  progress: (e) => {
    if (process.env.VFLEET_LAB_VERBOSE === '1')
      process.stderr.write(`lab: ${e.step} ${e.status} ${e.detail ?? ''}\n`);
  },
};

export const newLab = (): Lab => createLab(labDeps);

export interface GuestRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A shell command line in the guest (busybox sh; the real iproute2 is /usr/sbin/ip). */
export const guestSh = (
  lab: Lab,
  name: string,
  script: string,
  input?: string,
): Promise<GuestRun> =>
  lab.run(['sh', '-c', script], {
    name,
    timeoutMs: 180_000,
    ...(input === undefined ? {} : { input }),
  });

/** Like guestSh, but the command must succeed; returns stdout. */
export async function guestOk(
  lab: Lab,
  name: string,
  script: string,
  input?: string,
): Promise<string> {
  const r = await guestSh(lab, name, script, input);
  if (r.exitCode !== 0) {
    throw new Error(`guest command failed (exit ${r.exitCode}): ${script}\n${r.stderr}${r.stdout}`);
  }
  return r.stdout;
}

export const writeGuestFile = (lab: Lab, name: string, path: string, text: string) =>
  guestOk(lab, name, `mkdir -p "$(dirname ${path})" && cat > ${path}`, text);
