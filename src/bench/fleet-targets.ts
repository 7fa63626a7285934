import { sampleValue, samples } from '../testing/exposition.js';
import { round } from './stats.js';

/** Issue 14's P8 targets, and a measured idle window and spec change judged against them. */
export const P8_TARGETS = {
  idleCpuPercentOfOneCore: 5,
  rssMaxMb: 1024,
  specChangeDeliveredSeconds: 5,
} as const;

export interface IdleWindow {
  readonly seconds: number;
  /** utime + stime of the controller over the window, in clock ticks, and ticks per second. */
  readonly cpuTicks: number;
  readonly ticksPerSecond: number;
  readonly rssMaxBytes: number;
  readonly rssEndBytes: number;
  /** Requests the simulated agents sent during the window. */
  readonly requests: number;
}

export interface SpecChange {
  readonly hosts: number;
  /** From the update's answer to the moment each host's long poll brought the new state, in ms. */
  readonly receivedMs: readonly number[];
  readonly appliedMs: readonly number[];
  /** Hosts outside the change that received a new state (none is right). */
  readonly others: number;
}

const mb = (b: number) => round(b / 2 ** 20, 1);

export function judgeP8(idle: IdleWindow, change: SpecChange) {
  const cpuPercent = (idle.cpuTicks / idle.ticksPerSecond / idle.seconds) * 100;
  const last = (xs: readonly number[]) => (xs.length === 0 ? null : Math.max(...xs) / 1000);
  const delivered = change.receivedMs.length === change.hosts ? last(change.receivedMs) : null;
  const applied = change.appliedMs.length === change.hosts ? last(change.appliedMs) : null;
  const figures = {
    idleWindowSeconds: round(idle.seconds, 1),
    idleCpuPercentOfOneCore: round(cpuPercent, 2),
    rssMaxMb: mb(idle.rssMaxBytes),
    rssEndMb: mb(idle.rssEndBytes),
    idleRequestsPerSecond: round(idle.requests / idle.seconds, 1),
    specChangeHosts: change.hosts,
    specChangeReceivedBy: change.receivedMs.length,
    specChangeDeliveredSeconds: delivered === null ? null : round(delivered, 2),
    specChangeAllAppliedSeconds: applied === null ? null : round(applied, 2),
    specChangeReachedOthers: change.others,
  };
  const pass = {
    idleCpu: cpuPercent <= P8_TARGETS.idleCpuPercentOfOneCore,
    memory: idle.rssMaxBytes <= P8_TARGETS.rssMaxMb * 2 ** 20,
    specChange:
      delivered !== null &&
      delivered <= P8_TARGETS.specChangeDeliveredSeconds &&
      change.others === 0,
  };
  return { ...figures, targets: P8_TARGETS, pass };
}

const DELIVERY = 'vfleet_desired_state_delivery_seconds';

/**
 * The controller's own view of a change's delivery, from two scrapes of its
 * `/metrics` around it: how many waiting long polls it answered with the new
 * state, and the least histogram bound all of them were answered within
 * (null when none). It tells the controller's share of the delivery from the
 * agents' (here all in the bench process, on the same two cores).
 */
export function controllerDelivery(before: string, after: string) {
  const value = (text: string, name: string, labels: Record<string, string> = {}) =>
    sampleValue(text, name, labels) ?? 0;
  const answered = value(after, `${DELIVERY}_count`) - value(before, `${DELIVERY}_count`);
  const inBucket = (le: string) =>
    value(after, `${DELIVERY}_bucket`, { le }) - value(before, `${DELIVERY}_bucket`, { le });
  const bounds = samples(after, `${DELIVERY}_bucket`)
    .map((s) => s.labels.le ?? '')
    .filter((le) => le !== '+Inf')
    .sort((a, b) => Number(a) - Number(b));
  const within = bounds.find((le) => inBucket(le) === answered);
  return {
    answered,
    allWithinSeconds: answered === 0 || within === undefined ? null : Number(within),
  };
}
