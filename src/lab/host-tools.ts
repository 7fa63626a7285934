import { join } from 'node:path';
import { VfleetError } from '../core/errors.js';
import type { LabDeps } from './lab-deps.js';
import { pathExists } from './path-exists.js';

const INSTALL_TIMEOUT_MS = 30 * 60_000;

/**
 * Makes sure the host has QEMU with igb, busybox, kmod and iproute2 by running
 * scripts/setup-lab, the one place that knows how to install them. It returns
 * at once when all is present and installs (as root, on Debian) what is not.
 */
export async function ensureHostTools(deps: LabDeps): Promise<void> {
  const script = join(deps.installDir, 'scripts', 'setup-lab');
  if (!(await pathExists(script))) {
    throw new VfleetError('MISSING_DEPENDENCY', `the lab installer ${script} is missing`, {
      script,
    });
  }
  deps.progress({ step: 'host tools', status: 'start' });
  const r = await deps.runner.run('bash', [script], { timeoutMs: INSTALL_TIMEOUT_MS });
  const lines = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('setup-lab: '))
    .map((l) => l.slice('setup-lab: '.length));
  if (r.exitCode !== 0) {
    deps.progress({ step: 'host tools', status: 'failed' });
    const reason = lines.at(-1) ?? r.stderr.trim().split('\n').at(-1) ?? `exit ${r.exitCode}`;
    throw new VfleetError('MISSING_DEPENDENCY', `lab host tools: ${reason}`, {
      script,
      exitCode: r.exitCode,
      log: lines,
    });
  }
  deps.progress({ step: 'host tools', status: 'ok', detail: lines.join('; ') });
}
