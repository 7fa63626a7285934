import type { HostSummaryView, HostView } from '../../../api/answers.js';

/** The summary counts GET /v1/hosts adds to each host (contract D of issue 12). */
type Counts = Partial<Pick<HostSummaryView, 'pfCount' | 'vfCounts' | 'findingCount'>>;

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

const dash = (n: number | undefined) => (n === undefined ? '–' : String(n));

/** `2026-12-03 12:40:11` from an ISO time: the page shows the controller's UTC clock. */
export const shortTime = (iso: string | null): string =>
  iso === null ? 'never' : iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') + ' UTC';

export function hostRow(h: HostView & Counts): HostRow {
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
    pfs: dash(h.pfCount),
    vfs:
      c === undefined
        ? '–'
        : `${c.total} total: ${c.free} free, ${c.reserved} reserved, ${c.allocated} allocated, ${c.quarantined} quarantined, ${c.dirty} dirty`,
    findings: dash(h.findingCount),
  };
}
