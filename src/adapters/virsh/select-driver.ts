import { isVfleetError } from '../../core/errors.js';
import type { HypervisorDriver } from '../../core/libvirt/hypervisor-driver.js';
import type { VirtType } from '../../core/libvirt/hypervisor-facts.js';
import { createRenderOnlyDriver } from '../../core/libvirt/render-only-driver.js';
import type { CommandRunner } from '../../core/ports.js';
import { createVirshDriver, type VirshDriverOptions } from './virsh-driver.js';
import { virshMessage } from './virsh-errors.js';

export interface SelectedDriver {
  readonly driver: HypervisorDriver;
  /** Why render-only was chosen; null when libvirt answered. */
  readonly fallbackReason: string | null;
  /** The domain type libvirt offers here (null: render-only, or libvirt would say neither). */
  readonly virtType: VirtType | null;
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
      return {
        driver: createVirshDriver(runner, options),
        fallbackReason: null,
        virtType: await offeredVirtType(runner, options),
      };
    return {
      driver: createRenderOnlyDriver(),
      fallbackReason: `libvirt: ${virshMessage(r)}`,
      virtType: null,
    };
  } catch (e) {
    if (isVfleetError(e) && (e.code === 'MISSING_DEPENDENCY' || e.code === 'TIMEOUT')) {
      return { driver: createRenderOnlyDriver(), fallbackReason: e.message, virtType: null };
    }
    throw e;
  }
}

/**
 * kvm when libvirt can start KVM domains here, else qemu when it can start
 * emulated ones: libvirt's own answer (domcapabilities fails for a domain
 * type the host cannot run), not a guess from /dev/kvm's presence.
 */
async function offeredVirtType(
  runner: CommandRunner,
  options: VirshDriverOptions,
): Promise<VirtType | null> {
  const connect = options.uri === undefined ? [] : ['--connect', options.uri];
  for (const type of ['kvm', 'qemu'] as const) {
    const r = await runner
      .run('virsh', [...connect, 'domcapabilities', '--virttype', type], {
        timeoutMs: options.timeoutMs ?? 15_000,
      })
      .catch(() => null);
    if (r?.exitCode === 0) return type;
  }
  return null;
}
