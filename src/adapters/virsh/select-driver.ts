import { isVfleetError } from '../../core/errors.js';
import type { HypervisorDriver } from '../../core/libvirt/hypervisor-driver.js';
import { createRenderOnlyDriver } from '../../core/libvirt/render-only-driver.js';
import type { CommandRunner } from '../../core/ports.js';
import { createVirshDriver, type VirshDriverOptions } from './virsh-driver.js';
import { virshMessage } from './virsh-errors.js';

export interface SelectedDriver {
  readonly driver: HypervisorDriver;
  /** Why render-only was chosen; null when libvirt answered. */
  readonly fallbackReason: string | null;
}

/**
 * The virsh driver when libvirt answers on the connection, render-only when
 * virsh is missing or cannot connect; the reason is returned so the agent
 * can say why it only renders.
 */
export async function selectHypervisorDriver(
  runner: CommandRunner,
  options: VirshDriverOptions = {},
): Promise<SelectedDriver> {
  const args = [...(options.uri === undefined ? [] : ['--connect', options.uri]), 'uri'];
  try {
    const r = await runner.run('virsh', args, { timeoutMs: options.timeoutMs ?? 15_000 });
    if (r.exitCode === 0)
      return { driver: createVirshDriver(runner, options), fallbackReason: null };
    return { driver: createRenderOnlyDriver(), fallbackReason: `libvirt: ${virshMessage(r)}` };
  } catch (e) {
    if (isVfleetError(e) && (e.code === 'MISSING_DEPENDENCY' || e.code === 'TIMEOUT')) {
      return { driver: createRenderOnlyDriver(), fallbackReason: e.message };
    }
    throw e;
  }
}
