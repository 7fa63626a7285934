import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { pgCluster, stopPgCluster } from '../../testing/store-targets.js';
import { HOSTS_CHANNEL, openPgSignals, type PgSignals } from './pg-signals.js';

const opened: PgSignals[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
  await stopPgCluster();
});

/** Signals whose notices land in a queue the test takes them from, in order. */
async function listener(url: string, lines: string[]) {
  const got: (string | null)[] = [];
  const waiting: (() => void)[] = [];
  const s = await openPgSignals(url, { log: (l) => lines.push(l), retryMs: 20 });
  opened.push(s);
  s.subscribe((h) => {
    got.push(h);
    for (const w of waiting.splice(0)) w();
  });
  return {
    s,
    got,
    async next(): Promise<string | null> {
      while (got.length === 0) await new Promise<void>((r) => waiting.push(r));
      return got.shift() ?? null;
    },
  };
}

/** Calls of client.query() that pg queues behind others (its deprecated, pg-9-fatal case). */
function watchOverlaps() {
  const proto = pg.Client.prototype as unknown as {
    query: (...a: unknown[]) => unknown;
    _queryQueue?: unknown[];
  };
  const original = proto.query;
  const seen = { overlaps: 0, warnings: [] as string[] };
  proto.query = function (this: { _queryQueue?: unknown[] }, ...a: unknown[]) {
    // pg's own test for its deprecation notice (lib/client.js), counted every time, not once.
    if ((this._queryQueue?.length ?? 0) > 0) seen.overlaps++;
    return original.apply(this, a);
  };
  const onWarning = (w: Error) => seen.warnings.push(w.message);
  process.on('warning', onWarning);
  return {
    seen,
    restore() {
      proto.query = original;
      process.off('warning', onWarning);
    },
  };
}

describe('PostgreSQL LISTEN/NOTIFY between controllers', () => {
  // First in the file: pg prints its deprecation notice once per process.
  it('never runs two queries at once on the listener client, in bursts and across a reconnect', async () => {
    const url = await (await pgCluster()).createDatabase(`sig_${randomUUID().slice(0, 8)}`);
    const lines: string[] = [];
    const watch = watchOverlaps();
    try {
      const a = await listener(url, lines);
      const b = await listener(url, lines);
      const burst = Array.from({ length: 40 }, (_, i) => `h${i}`);
      for (const h of burst) a.s.publish(h);
      const got: (string | null)[] = [];
      while (got.length < burst.length) got.push(await b.next());
      expect(got).toEqual(burst);

      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid()`,
      );
      await admin.end();
      // Published while the connection is going away, then again once it is back.
      for (const h of burst) a.s.publish(h);
      expect(await b.next()).toBeNull();
      while ((await a.next()) !== null);
      for (const h of burst) a.s.publish(`again-${h}`);
      for (;;) if ((await b.next()) === 'again-h39') break;
      await new Promise((r) => setTimeout(r, 50));
      expect(watch.seen.overlaps).toBe(0);
      expect(watch.seen.warnings.filter((w) => w.includes('already executing a query'))).toEqual(
        [],
      );
    } finally {
      watch.restore();
    }
  }, 60_000);

  it('delivers a host to the other process, not back to the sender, and survives a lost connection', async () => {
    const url = await (await pgCluster()).createDatabase(`sig_${randomUUID().slice(0, 8)}`);
    const lines: string[] = [];
    const a = await listener(url, lines);
    const b = await listener(url, lines);
    a.s.publish('node1');
    a.s.publish('node2');
    expect([await b.next(), await b.next()]).toEqual(['node1', 'node2']);
    b.s.publish('node3');
    expect(await a.next()).toBe('node3');
    // a's own notices never came back to it: node3 was the first thing it got.
    expect(b.got).toEqual([]);

    // The server drops every listener: each reconnects, says so, and hears again.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid()`,
    );
    expect(await a.next()).toBeNull();
    expect(await b.next()).toBeNull();
    await admin.query(`select pg_notify($1, $2)`, [HOSTS_CHANNEL, 'other-process node4']);
    await admin.end();
    expect([await a.next(), await b.next()]).toEqual(['node4', 'node4']);
    expect(lines.filter((l) => l.includes('lost'))).toHaveLength(2);
  }, 60_000);
});
