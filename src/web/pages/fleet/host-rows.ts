import type { HostSummaryView, HostView } from '../../../api/answers.js';

/** One row of the fleet table, as text a person reads. */
export interface HostRow {
  readonly id: string;
  readonly health: HostView['health'];
  readonly ready: string;
  readonly generation: string;
  readonly lastSeen: string;
  readonly labels: string;
  readonly pfs: string;
  readonly vfs: string;
  readonly findings: string;
}

/** `2026-12-03 12:40:11` from an ISO time: the page shows the controller's UTC clock. */
export const shortTime = (iso: string | null): string =>
  iso === null ? 'never' : iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') + ' UTC';

export function hostRow(h: HostSummaryView): HostRow {
  const c = h.vfCounts;
  return {
    id: h.id,
    health: h.health,
    ready: h.ready ? 'ready' : 'not ready',
    generation: `${h.appliedGeneration}/${h.desiredGeneration}`,
    lastSeen: shortTime(h.lastSeen),
    labels:
      Object.entries(h.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || '–',
    pfs: String(h.pfCount),
    vfs: `${c.total} total: ${c.free} free, ${c.reserved} reserved, ${c.allocated} allocated, ${c.quarantined} quarantined, ${c.dirty} dirty`,
    findings: String(h.findingCount),
  };
}
