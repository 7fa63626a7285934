import type { LiveMigrationState } from '../migration/live-migration-machine.js';
import type { NewEvent } from './events.js';
import type { MigrationRecord, MigrationState } from './vm-store.js';

/**
 * Persisted live migrations (implemented in src/adapters/store): each row
 * holds its state machine's value and a lease. A controller advances only
 * the rows it leased; a lease not renewed runs out and another controller
 * (or the same one, restarted) takes the row over where it was left.
 */
export interface LeasedLiveMigration {
  readonly id: string;
  readonly instanceId: string;
  readonly source: string;
  readonly target: string;
  readonly live: LiveMigrationState;
}

/** How a migration ends: its final row, where the instance now counts, and the event saying so. */
export interface LiveMigrationEnd {
  readonly state: Exclude<MigrationState, 'running'>;
  readonly report: MigrationRecord['report'];
  readonly live: LiveMigrationState;
  readonly now: string;
  /** The instance's CPUs and memory count on this host from now on; null: it stays where it was. */
  readonly move: { readonly hostId: string; readonly numaNode: number | null } | null;
  /** null when the instance is gone (nothing to name in an event). */
  readonly event: NewEvent | null;
}

export interface LiveMigrationStore {
  /**
   * A new running migration with its machine's first state and its
   * `migration-started` event, in one transaction; false (and no event)
   * when the instance already has one running.
   */
  startLiveMigration(
    m: Omit<MigrationRecord, 'state' | 'finishedAt'> & {
      readonly live: LiveMigrationState;
      /** The starting controller holds the lease at once: it runs the first steps itself. */
      readonly lease: { readonly owner: string; readonly until: string } | null;
      readonly event: NewEvent;
    },
  ): Promise<boolean>;
  /**
   * Leases up to `limit` running live migrations whose lease ran out (or is
   * `owner`'s already) until `until`; rows another controller is taking at
   * the same moment are skipped, not waited for.
   */
  leaseLiveMigrations(
    owner: string,
    now: string,
    until: string,
    limit: number,
  ): Promise<LeasedLiveMigration[]>;
  /** Saves the next state and renews the lease; false when `owner` lost the lease (or the row ended). */
  saveLiveMigration(
    id: string,
    owner: string,
    live: LiveMigrationState,
    report: MigrationRecord['report'],
    until: string,
  ): Promise<boolean>;
  /**
   * Ends the migration in one transaction: the row's final state, the
   * instance moved, the event, and both hosts' agents told (the domain is
   * theirs again). Nothing of it happens without the lease: false.
   */
  finishLiveMigration(id: string, owner: string, end: LiveMigrationEnd): Promise<boolean>;
}
