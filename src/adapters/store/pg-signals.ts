import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The channel controllers on one database tell each other about hosts on. */
export const HOSTS_CHANNEL = 'vfleet_hosts';

/**
 * Host notices between the controller processes on one PostgreSQL: NOTIFY
 * on publish, LISTEN on a connection of its own (a pooled one would lose
 * its LISTEN when handed back).
 */
export interface PgSignals {
  /** Tells the other processes that the host's desired state changed (after the commit). */
  publish(hostId: string): void;
  /**
   * `onHost(id)` for each host another process published; `onHost(null)`
   * after a reconnect, when notices may have been missed.
   */
  subscribe(onHost: (hostId: string | null) => void): void;
  close(): Promise<void>;
}

export interface PgSignalsOptions {
  readonly log: (line: string) => void;
  /** First wait before reconnecting a lost listener; doubles up to 30 s. */
  readonly retryMs?: number;
}

/**
 * Connects and LISTENs before resolving. A lost connection is re-opened in
 * the background; meanwhile nothing is published and waiters fall back to
 * their slow re-read of the store. Each process tags its notices with its
 * own id and ignores their echo.
 */
export async function openPgSignals(url: string, o: PgSignalsOptions): Promise<PgSignals> {
  const self = randomUUID();
  const subscribers: ((hostId: string | null) => void)[] = [];
  const tell = (hostId: string | null) => {
    for (const s of subscribers) s(hostId);
  };
  const firstRetry = o.retryMs ?? 1_000;
  let retry = firstRetry;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (m) => {
      const payload = m.payload ?? '';
      const space = payload.indexOf(' ');
      if (space > 0 && payload.slice(0, space) !== self) tell(payload.slice(space + 1));
    });
    const lost = () => {
      c.removeAllListeners('end');
      c.on('error', () => undefined);
      void c.end().catch(() => undefined);
      if (client !== c) return;
      client = null;
      if (closed) return;
      o.log(`controller notices: lost the PostgreSQL listener; reconnecting`);
      schedule();
    };
    c.on('error', lost);
    c.on('end', lost);
    try {
      await c.connect();
      await c.query(`listen ${HOSTS_CHANNEL}`);
    } catch (e) {
      c.removeAllListeners();
      c.on('error', () => undefined);
      await c.end().catch(() => undefined);
      throw e;
    }
    client = c;
    retry = firstRetry;
  };
  const schedule = () => {
    timer = setTimeout(() => {
      timer = null;
      connect().then(
        () => {
          o.log('controller notices: PostgreSQL listener back');
          // What was published while we were away is lost: every waiter re-reads.
          tell(null);
        },
        () => {
          retry = Math.min(retry * 2, 30_000);
          if (!closed) schedule();
        },
      );
    }, retry);
    timer.unref();
  };

  // One query at a time on the listener's client: pg queues overlapping
  // calls, but that is deprecated (a warning now, an error in pg 9). Hosts
  // published while a NOTIFY is in flight go out together in the next one.
  const pending = new Set<string>();
  let sending = false;
  const pump = async (): Promise<void> => {
    sending = true;
    try {
      while (pending.size > 0) {
        const hosts = [...pending].map((h) => `${self} ${h}`);
        pending.clear();
        await client
          ?.query('select pg_notify($1, n) from unnest($2::text[]) as n', [HOSTS_CHANNEL, hosts])
          .catch(() => undefined);
      }
    } finally {
      sending = false;
    }
  };

  await connect();
  return {
    publish(hostId) {
      if (client === null) return;
      pending.add(hostId);
      if (!sending) void pump();
    },
    subscribe(onHost) {
      subscribers.push(onHost);
    },
    async close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      const c = client;
      client = null;
      if (c !== null) {
        c.removeAllListeners();
        c.on('error', () => undefined);
        await c.end().catch(() => undefined);
      }
    },
  };
}
