import type { IrqPinSummary } from '../core/fleet/vm-store.js';
import { formatCpuList } from '../core/libvirt/cpu-list.js';
import type { IrqPinReport } from '../host/irq-affinity.js';

export type IrqPins = Omit<IrqPinSummary, 'at'>;

/** At most this many lines go to the controller; the counts stay exact. */
const MAX_LINES = 64;

/** A pin-irqs report as the agent tells the controller: counts, and a line per change or failure. */
export function summarizeIrqPins(r: IrqPinReport): IrqPins {
  const count = (result: string) => r.pins.filter((p) => p.result === result).length;
  const lines = r.pins.flatMap((p) => {
    const irq = p.irq === null ? '' : ` irq ${p.irq}`;
    if (p.result === 'changed')
      return [`${p.vf}${irq} -> ${formatCpuList(p.after ?? p.desired ?? [])}`];
    if (p.result === 'failed') return [`${p.vf}${irq}: ${p.detail ?? 'failed'}`];
    return [];
  });
  return {
    changed: count('changed'),
    alreadyRight: count('already-right'),
    failed: count('failed'),
    skipped: count('skipped'),
    lines: lines.slice(0, MAX_LINES),
  };
}
