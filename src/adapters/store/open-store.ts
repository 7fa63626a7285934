import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { VfleetError } from '../../core/errors.js';
import type { FleetStore, StoreNotices } from '../../core/fleet/store.js';
import type { Database } from './db-types.js';
import { createClaimStore } from './claim-store.js';
import { createVmStore } from './vm-store.js';
import { createCatalogStore } from './catalog-store.js';
import { createDatapathReportStore } from './datapath-reports.js';
import { createAuditStore } from './audit-store.js';
import { createEventStore, createEventTap } from './event-store.js';
import { createHostStore } from './host-store.js';
import { guardedPool } from './pg-connection-loss.js';
import { HOSTS_CHANNEL, openPgListener, type PgListener } from './pg-listener.js';
import { schemaVersions } from './schema/schema-versions.js';
import { createQuotaStore } from './quota-store.js';
import { createMaintenanceStore } from './host-drains.js';
import { createRolloutStore } from './rollout-store.js';
import { createSessionStore } from './session-store.js';
import { searchChains } from './search-chains.js';
import { createTokenStore } from './token-store.js';

export type StoreTarget =
  /** PostgreSQL at a connection URL (DATABASE_URL). */
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize?: number }
  /** Embedded PGlite in a data folder; in memory without one; `template` = a dumpDataDir() to start from. */
  | { readonly kind: 'pglite'; readonly dataDir?: string; readonly template?: Blob };

export interface OpenedStore extends FleetStore {
  readonly db: Kysely<Database>;
  /** PGlite runs one transaction at a time; PostgreSQL runs them side by side. */
  readonly embedded: boolean;
}

export interface OpenStoreOptions {
  /** Where the PostgreSQL listener says it lost its connection and got it back. */
  readonly log?: (line: string) => void;
}

/** Opens the store and applies every pending migration before anything else runs. */
export async function openStore(
  target: StoreTarget,
  o: OpenStoreOptions = {},
): Promise<OpenedStore> {
  const { dialect, pglite } = await dialectFor(target);
  const db = new Kysely<Database>({ dialect });
  try {
    await migrate(db);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  const tap = createEventTap();
  const notices =
    pglite === null
      ? pgNotices(target.kind === 'postgres' ? target.url : '', db, o.log ?? (() => undefined))
      : {
          // PGlite delivers NOTIFY in process, after the commit, as PostgreSQL does.
          close: () => Promise.resolve(),
          listen: async (onKey: (key: string | null) => void) => {
            await pglite.listen(HOSTS_CHANNEL, onKey);
          },
          publish: async (key: string) => {
            await pglite.query('select pg_notify($1, $2)', [HOSTS_CHANNEL, key]);
          },
        };
  return {
    db,
    embedded: target.kind === 'pglite',
    tokens: createTokenStore(db),
    sessions: createSessionStore(db),
    hosts: createHostStore(db, tap),
    catalog: createCatalogStore(db, tap),
    claims: createClaimStore(db, tap),
    vms: createVmStore(db, tap),
    quotas: createQuotaStore(db),
    maintenance: createMaintenanceStore(db, tap),
    rollouts: createRolloutStore(db),
    datapathReports: createDatapathReportStore(db),
    search: { search: (q, tenant, limit) => searchChains(db, q, tenant, limit) },
    events: createEventStore(db, tap),
    audit: createAuditStore(db),
    notices,
    async close() {
      await notices.close();
      await db.destroy();
    },
  };
}

/** LISTEN opens its own connection, on the first listen() only: most stores never listen. */
function pgNotices(url: string, db: Kysely<Database>, log: (line: string) => void) {
  let listener: Promise<PgListener> | null = null;
  const notices: StoreNotices & { close(): Promise<void> } = {
    async listen(onKey) {
      listener ??= openPgListener(url, { log });
      (await listener).subscribe(onKey);
    },
    async publish(key) {
      await sql`select pg_notify(${HOSTS_CHANNEL}, ${key})`.execute(db);
    },
    async close() {
      const l = await listener?.catch(() => null);
      await l?.close();
    },
  };
  return notices;
}

async function dialectFor(target: StoreTarget) {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10 });
    // An idle client losing its server must not crash the controller.
    pool.on('error', () => undefined);
    return { dialect: new PostgresDialect({ pool: guardedPool(pool) }), pglite: null };
  }
  const options = target.template === undefined ? {} : { loadDataDir: target.template };
  const client =
    target.dataDir === undefined
      ? await PGlite.create(options)
      : await PGlite.create(target.dataDir, options);
  return { dialect: new PGliteDialect(client), pglite: client };
}

async function migrate(db: Kysely<Database>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: schemaVersions }).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const message = error instanceof Error ? error.message : JSON.stringify(error);
    throw new VfleetError(
      'INTERNAL',
      `database migration ${failed} failed: ${message}`,
      {},
      { cause: error },
    );
  }
}
