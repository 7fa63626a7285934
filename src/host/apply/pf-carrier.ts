import type { PfPlan } from '../../core/plan/plan-types.js';
import type { Clock, HostFs } from '../../core/ports.js';
import type { StepLog } from './step-log.js';

const RATE_ATTRS = new Set(['maxTxRate', 'minTxRate']);

/** PFs whose VFs get a rate now, and whose link apply just raised or reset. */
export function pfsNeedingCarrier(phase1: readonly PfPlan[], current: readonly PfPlan[]): PfPlan[] {
  const touched = new Set(
    phase1.filter((p) => p.link !== null || p.numVfs !== null).map((p) => p.pciAddress),
  );
  return current.filter(
    (p) =>
      touched.has(p.pciAddress) &&
      p.ifname !== null &&
      p.vfs.some((v) => v.attrs.some((a) => RATE_ATTRS.has(a.attr))),
  );
}

/**
 * igb (seen on the real kernel in the lab) answers "Invalid argument" to a
 * VF rate while the PF has no link, and enabling SR-IOV resets the PF, so
 * its link renegotiates right after the VFs appear. Waits, bounded, for
 * carrier; on time-out goes on and lets the rate step report the failure.
 */
export async function waitForCarrier(
  io: { fs: HostFs; clock: Clock },
  log: StepLog,
  pfs: readonly PfPlan[],
  timeoutMs: number,
  pollMs: number,
): Promise<void> {
  if (pfs.length === 0) return;
  const deadline = io.clock.now() + timeoutMs;
  const pending = new Set(pfs);
  for (;;) {
    for (const pf of [...pending]) {
      const carrier = await io.fs.readText(`/sys/class/net/${pf.ifname ?? ''}/carrier`);
      if (carrier?.trim() === '1') pending.delete(pf);
    }
    if (pending.size === 0 || io.clock.now() >= deadline) break;
    await io.clock.sleep(pollMs);
  }
  for (const pf of pfs) {
    const up = !pending.has(pf);
    log.add(
      pf.pciAddress,
      null,
      'carrier',
      'wait for link (VF rates need it)',
      up ? 'ok' : 'failed',
      up ? null : `no carrier on ${pf.ifname ?? '?'} after ${Math.round(timeoutMs / 1000)} s`,
    );
  }
}
