import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { VfleetError } from '../../core/errors.js';

// SQLSTATE class 08 (connection exception), and the server ending the session:
// 57P01 admin shutdown (pg_terminate_backend), 57P02 crash shutdown, 57P03 cannot connect now.
const LOST_STATES = new Set(['57P01', '57P02', '57P03']);
const LOST_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/** Did the connection fail, rather than the statement? (node-postgres says so in one of these ways.) */
export function connectionLost(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = 'code' in e ? e.code : undefined;
  if (typeof code === 'string' && (code.startsWith('08') || LOST_STATES.has(code))) return true;
  if (typeof code === 'string' && LOST_ERRNOS.has(code)) return true;
  return /^Connection terminated|^Client has encountered a connection error/.test(e.message);
}

/**
 * A lost connection is the store being away, not a bug: the request is
 * answered 503 with what to do, never 500. A transaction cut this way was
 * committed whole or not at all (PostgreSQL's promise), so nothing is left
 * half done; only whether it committed is unknown to the caller.
 */
export function storeUnavailable(e: Error): VfleetError {
  return new VfleetError(
    'MISSING_DEPENDENCY',
    `the connection to PostgreSQL was lost (${e.message}); a change in flight was applied whole or not at all: read the state, then try again`,
    { dependency: 'postgresql' },
    { cause: e },
  );
}

const guard = (e: unknown): never => {
  throw e instanceof Error && connectionLost(e) ? storeUnavailable(e) : e;
};

const listened = new WeakSet<pg.PoolClient>();

/** The pool Kysely uses, with every connection loss turned into storeUnavailable. */
export function guardedPool(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect().catch(guard);
      // A checked-out client whose server ends the session emits 'error' besides failing
      // its statement; the pool listens only while the client is idle, and an 'error'
      // no one listens to ends the process. The statement's own failure is what counts.
      if (!listened.has(client)) {
        listened.add(client);
        client.on('error', () => undefined);
      }
      // pg's client is what Kysely's dialect calls unwrapped: the same overloads (a statement,
      // or a cursor it streams from), typed by each library its own way.
      const query = ((a: unknown, parameters?: readonly unknown[]) =>
        typeof a === 'string'
          ? client.query(a, parameters as unknown[]).catch(guard)
          : client.query(a as pg.Submittable)) as unknown as PostgresPoolClient['query'];
      return {
        query,
        release: () => {
          client.release();
        },
      };
    },
    end: () => pool.end(),
  };
}
