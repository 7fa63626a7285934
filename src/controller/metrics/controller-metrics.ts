import { Counter, Histogram, type Registry } from 'prom-client';
import { isVfleetError } from '../../core/errors.js';
import type { FleetEvent } from '../../core/fleet/events.js';
import type { Rejections } from '../../core/scheduler/types.js';

/** What the controller's use cases and routes tell its metrics. */
export interface ControllerMetrics {
  readonly registry: Registry;
  /** A POST /v1/instances answered: placed (or replayed), or refused with `error`. */
  claim(seconds: number, outcome: { replayed: boolean } | { error: unknown }): void;
  /** An agent's apply result (POST /v1/agent/hosts/{id}/applied). */
  applied(ok: boolean, failedVfs: number): void;
  /** Each event this process recorded (migrations end this way). */
  event(e: FleetEvent): void;
  http(route: string, method: string, status: number, seconds: number): void;
  /**
   * A waiting long poll answered with the new desired state its host's
   * notice announced: seconds from the notice waking it to the answer made.
   */
  desiredDelivered(seconds: number): void;
}

/** Seconds: a claim is a few ms to a second under races; a long poll waits up to a minute. */
const CLAIM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** A change reaching agents: whole seconds up to 5 (a target of issue 14), then coarser. */
const DELIVERY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 7.5, 10, 30];

/** The error codes a claim ends with, as outcome labels (a closed set: bounded series). */
const CLAIM_OUTCOMES: Readonly<Record<string, string>> = {
  NO_CAPACITY: 'no_capacity',
  QUOTA_EXCEEDED: 'quota',
  CONFLICT: 'conflict',
  INVALID_INPUT: 'invalid',
  NOT_FOUND: 'not_found',
  FORBIDDEN: 'forbidden',
};

const MIGRATION_OUTCOMES: Readonly<Record<string, string>> = {
  'migration-started': 'started',
  'migration-done': 'done',
  'migration-rolled-back': 'rolled_back',
  'migration-needs-attention': 'needs_attention',
};

const REJECTION_REASONS: readonly (keyof Rejections)[] = [
  'notReady',
  'unhealthy',
  'labels',
  'memory',
  'cpus',
  'vfs',
];
/** The scheduler's reasons as label values (snake_case, as Prometheus labels usually are). */
const reasonLabel = (r: keyof Rejections) => (r === 'notReady' ? 'not_ready' : r);

/**
 * The controller's counters and histograms on `registry` (one per
 * controller: tests run many in one process). The fleet's gauges are
 * fleet-gauges.ts, read from the store when scraped.
 */
export function createControllerMetrics(registry: Registry): ControllerMetrics {
  const registers = [registry];
  const claims = new Counter({
    name: 'vfleet_claims_total',
    help: 'Instance creations (schedule and claim VFs), by outcome: placed, replayed (idempotent retry), no_capacity, quota, conflict, invalid, not_found, forbidden, error',
    labelNames: ['outcome'],
    registers,
  });
  const claimSeconds = new Histogram({
    name: 'vfleet_claim_duration_seconds',
    help: 'How long an instance creation took to answer, by outcome',
    labelNames: ['outcome'],
    buckets: CLAIM_BUCKETS,
    registers,
  });
  const rejections = new Counter({
    name: 'vfleet_scheduling_rejections_total',
    help: 'Hosts the scheduler turned down in creations answered no_capacity, by reason',
    labelNames: ['reason'],
    registers,
  });
  const applies = new Counter({
    name: 'vfleet_apply_results_total',
    help: "Agents' apply results, by result (ok, failed)",
    labelNames: ['result'],
    registers,
  });
  const failedVfs = new Counter({
    name: 'vfleet_apply_failed_vfs_total',
    help: 'VFs agents reported they could not configure',
    registers,
  });
  const migrations = new Counter({
    name: 'vfleet_migrations_total',
    help: 'Live migrations by outcome: started, done, rolled_back, needs_attention',
    labelNames: ['outcome'],
    registers,
  });
  const events = new Counter({
    name: 'vfleet_events_total',
    help: 'Events this controller recorded, by kind',
    labelNames: ['kind'],
    registers,
  });
  const requests = new Counter({
    name: 'vfleet_http_requests_total',
    help: 'HTTP requests answered, by route template, method and status',
    labelNames: ['route', 'method', 'status'],
    registers,
  });
  const requestSeconds = new Histogram({
    name: 'vfleet_http_request_duration_seconds',
    help: 'How long HTTP requests took to answer, by route template and method (long polls wait by design)',
    labelNames: ['route', 'method'],
    buckets: HTTP_BUCKETS,
    registers,
  });
  const delivered = new Histogram({
    name: 'vfleet_desired_state_delivery_seconds',
    help: "From the store's notice that a host's desired state changed to the answer of the agent's long poll waiting for it, made with the new state (serialising and sending not counted)",
    buckets: DELIVERY_BUCKETS,
    registers,
  });
  // Zero series up front: a rate() over a counter that never moved is 0, not absent.
  for (const outcome of ['placed', 'no_capacity']) claims.inc({ outcome }, 0);
  for (const r of REJECTION_REASONS) rejections.inc({ reason: reasonLabel(r) }, 0);
  for (const result of ['ok', 'failed']) applies.inc({ result }, 0);
  for (const outcome of Object.values(MIGRATION_OUTCOMES)) migrations.inc({ outcome }, 0);
  return {
    registry,
    claim(seconds, o) {
      let outcome: string;
      if ('replayed' in o) outcome = o.replayed ? 'replayed' : 'placed';
      else {
        const e = o.error;
        outcome = isVfleetError(e) ? (CLAIM_OUTCOMES[e.code] ?? 'error') : 'error';
        const why = isVfleetError(e) ? (e.details as { rejections?: unknown }).rejections : null;
        if (outcome === 'no_capacity' && typeof why === 'object' && why !== null) {
          const counts = why as Partial<Record<keyof Rejections, unknown>>;
          for (const r of REJECTION_REASONS) {
            const n = counts[r];
            if (typeof n === 'number' && n > 0) rejections.inc({ reason: reasonLabel(r) }, n);
          }
        }
      }
      claims.inc({ outcome });
      claimSeconds.observe({ outcome }, seconds);
    },
    applied(ok, failed) {
      applies.inc({ result: ok ? 'ok' : 'failed' });
      if (failed > 0) failedVfs.inc(failed);
    },
    event(e) {
      events.inc({ kind: e.kind });
      const outcome = MIGRATION_OUTCOMES[e.kind];
      if (outcome !== undefined) migrations.inc({ outcome });
    },
    http(route, method, status, seconds) {
      requests.inc({ route, method, status: String(status) });
      requestSeconds.observe({ route, method }, seconds);
    },
    desiredDelivered(seconds) {
      delivered.observe(seconds);
    },
  };
}
