import type { HostState } from '../../core/desired-state.js';
import type { HostInventory } from '../../core/inventory.js';
import { pfsNotReady } from '../../core/plan/pf-readiness.js';
import type { ProgressSink } from '../../core/ports.js';
import type { ApplyIo, HostIo } from '../host-io.js';

/**
 * At boot the restore may start while PF drivers are still probing. Scans
 * until every PF the state names has its driver (and netdev), or the bound
 * passes; then returns the last inventory and lets planning report whatever
 * is still wrong.
 */
export async function waitForReadyPfs(
  state: HostState,
  io: ApplyIo,
  scan: (io: HostIo) => Promise<HostInventory>,
  timeoutMs: number,
  pollMs: number,
  onProgress?: ProgressSink,
): Promise<HostInventory> {
  const deadline = io.clock.now() + timeoutMs;
  let said = false;
  for (;;) {
    const inv = await scan(io);
    const why = pfsNotReady(state, inv);
    if (why.length === 0 || io.clock.now() >= deadline) {
      if (said)
        onProgress?.({
          step: 'wait for PFs',
          status: why.length === 0 ? 'ok' : 'failed',
          ...(why.length === 0 ? {} : { detail: why.join('; ') }),
        });
      return inv;
    }
    if (!said) onProgress?.({ step: 'wait for PFs', status: 'start', detail: why.join('; ') });
    said = true;
    await io.clock.sleep(Math.max(pollMs, 250));
  }
}
