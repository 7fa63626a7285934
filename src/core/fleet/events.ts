import type { Page, PageQuery } from './page.js';

/**
 * What the fleet did, as an operator follows it (`vfleet events`, the
 * controller's log): one record per thing that happened, never a secret.
 */
export const EVENT_KINDS = [
  'host-joined',
  'spec-applied',
  'vf-configured',
  'vf-reset',
  'instance-created',
  'instance-deleted',
  'instance-booted',
  'migration-started',
  'migration-done',
  'migration-rolled-back',
  'migration-needs-attention',
  'refused',
  'host-labelled',
  'host-cordoned',
  'host-uncordoned',
  'host-drain',
  'rollout',
  'network-created',
  'network-updated',
  'network-deleted',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface NewEvent {
  readonly kind: EventKind;
  /** The host it happened on, when one. */
  readonly host: string | null;
  /** Whose it is: a tenant token sees only its tenant's events; null = the operator's. */
  readonly tenant: string | null;
  /** What it is about, by name (instance, PF/VF address, spec, request path). */
  readonly subject: string | null;
  /** One line for people. */
  readonly message: string;
  /** The facts for programs (counts, MAC, VLAN, code, field...). */
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * The event a store write records in its own transaction (so the change and
 * its event commit together), built from what the write made.
 */
export interface EventNote<T> {
  /** When it happened (the caller's clock). */
  readonly at: string;
  describe(result: T): NewEvent;
}

export interface FleetEvent extends NewEvent {
  /** Increasing: `?since=<id>` answers the ones after it. */
  readonly id: number;
  readonly at: string;
}

export interface EventFilter {
  /** null: every tenant's (and the operator's own); a tenant: only that tenant's. */
  readonly tenant: string | null;
  readonly host?: string | undefined;
  readonly kind?: EventKind | undefined;
  /** Only events with a larger id. */
  readonly afterId?: number | undefined;
  /** Only events at or after this time. */
  readonly since?: string | undefined;
  /** The newest `limit` matching events (still oldest first), and no next page. */
  readonly newest?: boolean | undefined;
}

export interface EventStore {
  /** Records events on their own (those not part of a store transaction). */
  record(events: readonly NewEvent[], now: string): Promise<FleetEvent[]>;
  /** Oldest first, keyed by id. */
  page(f: EventFilter, q: PageQuery): Promise<Page<FleetEvent>>;
  /** The newest event's id (0 when none): where a follower starts. */
  latestId(): Promise<number>;
  /** Drops events older than `before`, then the oldest beyond `keep` rows; returns how many. */
  purge(before: string, keep: number): Promise<number>;
  /** Called after each commit that recorded events, in this process, in id order. */
  onRecorded(listener: (events: readonly FleetEvent[]) => void): void;
}
