import { Gauge, type Registry } from 'prom-client';
import type { FleetCapacity, HostVfCounts, VfCounts } from '../../core/fleet/host-query.js';
import { HOST_HEALTHS } from '../../core/fleet/model.js';
import type { ControllerDeps } from '../controller-deps.js';

const VF_STATES = [
  'free',
  'reserved',
  'allocated',
  'quarantined',
  'dirty',
] as const satisfies readonly (keyof VfCounts)[];

/** How long one read of the store serves scrapes: two Prometheus servers cost one query. */
const MAX_AGE_MS = 1_000;

/**
 * The fleet's gauges, read when scraped from the same aggregate queries as
 * `GET /v1/capacity` (the hosts counted, and the VF tallies the database
 * keeps per PF summed: never a read of every VF row),
 * and the per-host VF gauge only when asked for (`--metrics-per-host`: one
 * series per host and state, which a large fleet may not want).
 */
export function registerFleetGauges(
  registry: Registry,
  deps: Pick<ControllerDeps, 'store' | 'now' | 'elapsed' | 'config' | 'longPolls'>,
  perHost: boolean,
): void {
  let cached: {
    at: number;
    read: Promise<{ cap: FleetCapacity; hosts: HostVfCounts[] | null }>;
  } | null = null;
  const read = () => {
    if (cached === null || deps.elapsed() - cached.at > MAX_AGE_MS) {
      const staleBefore = new Date(deps.now() - deps.config.staleAfterMs).toISOString();
      const read = Promise.all([
        deps.store.hosts.capacity(staleBefore),
        perHost ? deps.store.hosts.vfsByHost() : Promise.resolve(null),
      ]).then(([cap, hosts]) => ({ cap, hosts }));
      // A failed read is not kept: the next scrape tries again.
      read.catch(() => {
        cached = null;
      });
      cached = { at: deps.elapsed(), read };
    }
    return cached.read;
  };
  const registers = [registry];
  new Gauge({
    name: 'vfleet_vfs',
    help: 'VFs by state and physical network (physnet="" for VFs no spec gives one)',
    labelNames: ['state', 'physnet'],
    registers,
    async collect() {
      const { cap } = await read();
      this.reset();
      for (const p of cap.physnets)
        for (const state of VF_STATES) this.set({ state, physnet: p.physnet ?? '' }, p[state]);
    },
  });
  new Gauge({
    name: 'vfleet_hosts',
    help: 'Hosts by health (healthy, degraded, stale, unknown)',
    labelNames: ['health'],
    registers,
    async collect() {
      const { cap } = await read();
      for (const health of HOST_HEALTHS) this.set({ health }, cap.hosts.byHealth[health]);
    },
  });
  new Gauge({
    name: 'vfleet_hosts_ready',
    help: 'Hosts by readiness: ready="true" when the host applied its declared state',
    labelNames: ['ready'],
    registers,
    async collect() {
      const { cap } = await read();
      this.set({ ready: 'true' }, cap.hosts.ready);
      this.set({ ready: 'false' }, cap.hosts.total - cap.hosts.ready);
    },
  });
  new Gauge({
    name: 'vfleet_agents_connected',
    help: 'Agents heard from within the stale threshold (hosts neither stale nor never seen)',
    registers,
    async collect() {
      const { cap } = await read();
      this.set(cap.hosts.byHealth.healthy + cap.hosts.byHealth.degraded);
    },
  });
  new Gauge({
    name: 'vfleet_agents_waiting',
    help: "Agents' long polls waiting on this controller for their next desired state",
    registers,
    collect() {
      this.set(deps.longPolls.waiting());
    },
  });
  if (!perHost) return;
  new Gauge({
    name: 'vfleet_host_vfs',
    help: 'VFs by host and state (only with --metrics-per-host)',
    labelNames: ['host', 'state'],
    registers,
    async collect() {
      const { hosts } = await read();
      this.reset();
      for (const h of hosts ?? [])
        for (const state of VF_STATES) this.set({ host: h.hostId, state }, h.vfs[state]);
    },
  });
}
