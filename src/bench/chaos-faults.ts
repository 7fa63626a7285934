import type { ChaosFleet } from './chaos-fleet.js';

export interface FaultCounts {
  controllerKills: number;
  agentStops: number;
  pgTerminations: number;
  /** PostgreSQL connections ended by those terminations. */
  backendsEnded: number;
}

export interface FaultOptions {
  readonly fleet: ChaosFleet;
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** Hosts whose agent or controller was out: the dirty-VF bound restarts from here. */
  readonly disturbed: (hosts: readonly string[]) => void;
}

/**
 * One fault at a time: a controller SIGKILLed (back 1-4 s
 * later on the same address), a host's agent stopped (back 2-8 s later),
 * or every PostgreSQL connection of both controllers ended. One controller
 * stays up, so the fleet is always reachable, as behind a load balancer.
 */
export function faults(o: FaultOptions) {
  const counts: FaultCounts = {
    controllerKills: 0,
    agentStops: 0,
    pgTerminations: 0,
    backendsEnded: 0,
  };
  const between = (lo: number, hi: number) => lo + o.random() * (hi - lo);
  const hostsOf = (i: number) => o.fleet.hosts.filter((_, n) => n % 2 === i);

  const killController = async () => {
    const i = o.random() < 0.5 ? 0 : 1;
    if (!o.fleet.controllerUp(1 - i)) return;
    await o.fleet.killController(i);
    counts.controllerKills++;
    await o.sleep(between(1_000, 4_000));
    await o.fleet.startController(i);
    o.disturbed(hostsOf(i));
  };
  const stopAgent = async () => {
    const host = o.fleet.hosts[Math.floor(o.random() * o.fleet.hosts.length)];
    if (host === undefined) return;
    await o.fleet.stopAgent(host);
    counts.agentStops++;
    await o.sleep(between(2_000, 8_000));
    await o.fleet.startAgent(host);
    o.disturbed([host]);
  };
  const endConnections = async () => {
    counts.backendsEnded += await o.fleet.terminateBackends();
    counts.pgTerminations++;
  };

  /**
   * The next fault, whole (what was stopped is back when it returns): the
   * three kinds in turn, so even a short soak injects each; which
   * controller or host, and when, is random.
   */
  const kinds = [killController, stopAgent, endConnections];
  let k = Math.floor(o.random() * kinds.length);
  const inject = async () => {
    await kinds[k++ % kinds.length]?.();
  };
  return { inject, counts };
}
