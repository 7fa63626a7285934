import type { LiveMigrationState } from '../migration/live-migration-machine.js';
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

export interface LiveMigrationStore {
  /**
   * A new running migration with its machine's first state, in one
   * transaction; false when the instance already has one running.
   */
  startLiveMigration(
    m: Omit<MigrationRecord, 'state' | 'finishedAt'> & {
      readonly live: LiveMigrationState;
      /** The starting controller holds the lease at once: it runs the first steps itself. */
      readonly lease: { readonly owner: string; readonly until: string } | null;
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
  /** Ends the migration (both hosts' agents are told, as updateMigration does); false without the lease. */
  finishLiveMigration(
    id: string,
    owner: string,
    state: Exclude<MigrationState, 'running'>,
    report: MigrationRecord['report'],
    live: LiveMigrationState,
    now: string,
  ): Promise<boolean>;
}
