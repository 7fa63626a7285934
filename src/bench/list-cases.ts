import { round } from './stats.js';

/** What a page of a list may take at 10,000 hosts (issue 14, P9). */
export const PAGE_TARGET_MS = 50;

/** One request of the list bench: a list with its filters; `deepPages`: also a page that far in. */
export interface ListCase {
  readonly name: string;
  readonly path: (ids: Readonly<Record<string, string>>) => string;
  readonly deepPages?: number;
}

const c = (name: string, path: string, deepPages?: number): ListCase => ({
  name,
  path: (ids) => path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(ids[k] ?? k)),
  ...(deepPages === undefined ? {} : { deepPages }),
});

/**
 * Every list route of /v1 with each filter it takes (limit 100, the
 * default), and the reads the dashboard makes beside them. `{host}` and the
 * like are filled from the fleet the bench made.
 */
export const LIST_CASES: readonly ListCase[] = [
  c('hosts', '/v1/hosts?limit=100', 60),
  c('hostsSortLastSeenDesc', '/v1/hosts?limit=100&sort=-lastSeen', 60),
  c('hostsSortIdDesc', '/v1/hosts?limit=100&sort=-id', 60),
  c('hostsLabel', '/v1/hosts?limit=100&label=rack%3Dr42', 5),
  c('hostsText', '/v1/hosts?limit=100&q=0042'),
  c('hostsHealthStale', '/v1/hosts?limit=100&health=stale', 5),
  c('hostsHealthDegradedByLastSeen', '/v1/hosts?limit=100&health=degraded&sort=lastSeen', 5),
  c('hostsNotReady', '/v1/hosts?limit=100&ready=false', 5),
  c('hostsReady', '/v1/hosts?limit=100&ready=true', 60),
  c('hostDetail', '/v1/hosts/{host}'),
  c('hostDatapathReports', '/v1/hosts/{host}/datapath-reports?limit=100'),
  c('instances', '/v1/instances?limit=100', 15),
  c('instancesHost', '/v1/instances?limit=100&host={host}'),
  c('instancesTenant', '/v1/instances?limit=100&tenant=red', 1),
  c('instancesName', '/v1/instances?limit=100&name=vm7'),
  c('instancesState', '/v1/instances?limit=100&state=reserved', 15),
  c('ports', '/v1/ports?limit=100', 30),
  c('portsNetwork', '/v1/ports?limit=100&network=net-blue', 30),
  c('portsInstance', '/v1/ports?limit=100&instance={instance}'),
  c('portsHost', '/v1/ports?limit=100&host={host}'),
  c('portsMac', '/v1/ports?limit=100&mac={mac}'),
  c('networks', '/v1/networks?limit=100'),
  c('physnets', '/v1/physnets?limit=100'),
  c('specs', '/v1/specs?limit=100'),
  c('tokens', '/v1/tokens?limit=100'),
  c('quotas', '/v1/quotas?limit=100'),
  c('migrations', '/v1/instances/{instance}/migrations?limit=100'),
  c('events', '/v1/events?limit=100', 15),
  c('eventsHost', '/v1/events?limit=100&host={host}'),
  c('eventsKind', '/v1/events?limit=100&kind=instance-created', 15),
  c('audit', '/v1/audit?limit=100', 15),
  c('auditAsc', '/v1/audit?limit=100&order=asc', 15),
  c('auditHost', '/v1/audit?limit=100&host={host}'),
  c('auditInstance', '/v1/audit?limit=100&instance={instance}'),
  c('auditVf', '/v1/audit?limit=100&vf={vf}'),
  c('auditMac', '/v1/audit?limit=100&mac={mac}'),
  c('auditObject', '/v1/audit?limit=100&object=instance:{instance}'),
  c('auditToken', '/v1/audit?limit=100&token=admin', 15),
  c('auditAction', '/v1/audit?limit=100&action=instance.create', 15),
  c('capacity', '/v1/capacity'),
  c('searchPci', '/v1/search?q={vf}'),
  c('searchHostText', '/v1/search?q=host0004'),
  c('searchMac', '/v1/search?q={mac}'),
  c('searchVlan', '/v1/search?q=101'),
];

/** Median and p99 (nearest rank) of request times in ms; pass when p99 is within the target. */
export function judge(samplesMs: readonly number[]): {
  medianMs: number;
  p99Ms: number;
  pass: boolean;
} {
  if (samplesMs.length === 0) throw new Error('no samples');
  const s = [...samplesMs].sort((a, b) => a - b);
  const rank = (q: number) => s[Math.max(0, Math.ceil(q * s.length) - 1)] ?? 0;
  const p99 = rank(0.99);
  return { medianMs: round(rank(0.5)), p99Ms: round(p99), pass: p99 <= PAGE_TARGET_MS };
}
