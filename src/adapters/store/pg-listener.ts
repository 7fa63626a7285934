import pg from 'pg';

/** The channel the store's triggers publish on (migration-host-notices.ts). */
export const HOSTS_CHANNEL = 'vfleet_hosts';

/**
 * The store's notices on PostgreSQL: LISTEN on a connection of its own (a
 * pooled one would lose its LISTEN when handed back). The database sends
 * them on commit, to every controller on it, this one included.
 */
export interface PgListener {
  /**
   * `onKey(key)` for each notice; `onKey(null)` after a reconnect, when
   * notices may have been missed.
   */
  subscribe(onKey: (key: string | null) => void): void;
  close(): Promise<void>;
}

export interface PgListenerOptions {
  readonly log: (line: string) => void;
  /** First wait before reconnecting a lost listener; doubles up to 30 s. */
  readonly retryMs?: number;
}

/**
 * Connects and LISTENs before resolving. A lost connection is re-opened in
 * the background; meanwhile waiters fall back to their slow re-read of the
 * store, and are all woken once it is back.
 */
export async function openPgListener(url: string, o: PgListenerOptions): Promise<PgListener> {
  const subscribers: ((key: string | null) => void)[] = [];
  const tell = (key: string | null) => {
    for (const s of subscribers) s(key);
  };
  const firstRetry = o.retryMs ?? 1_000;
  let retry = firstRetry;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (m) => {
      if (m.payload !== undefined && m.payload !== '') tell(m.payload);
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
          // What was committed while we were away is lost: every waiter re-reads.
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

  await connect();
  return {
    subscribe(onKey) {
      subscribers.push(onKey);
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
