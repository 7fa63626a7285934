import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { pgCluster, stopPgCluster } from '../../testing/store-targets.js';
import { HOSTS_CHANNEL, openPgListener, type PgListener } from './pg-listener.js';

const opened: PgListener[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
  await stopPgCluster();
});

/** A listener whose notices land in a queue the test takes them from, in order. */
async function listener(url: string, lines: string[]) {
  const got: (string | null)[] = [];
  const waiting: (() => void)[] = [];
  const s = await openPgListener(url, { log: (l) => lines.push(l), retryMs: 20 });
  opened.push(s);
  s.subscribe((h) => {
    got.push(h);
    for (const w of waiting.splice(0)) w();
  });
  return {
    async next(): Promise<string | null> {
      while (got.length === 0) await new Promise<void>((r) => waiting.push(r));
      return got.shift() ?? null;
    },
  };
}

describe('PostgreSQL LISTEN for the store notices', () => {
  it('hears every notice in order, in every process, and survives a lost connection', async () => {
    const url = await (await pgCluster()).createDatabase(`sig_${randomUUID().slice(0, 8)}`);
    const lines: string[] = [];
    const a = await listener(url, lines);
    const b = await listener(url, lines);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const notify = (keys: string[]) =>
      admin.query('select pg_notify($1, k) from unnest($2::text[]) as k', [HOSTS_CHANNEL, keys]);
    const burst = Array.from({ length: 40 }, (_, i) => `h${i}`);
    await notify(burst);
    for (const l of [a, b]) {
      const got: (string | null)[] = [];
      while (got.length < burst.length) got.push(await l.next());
      expect(got).toEqual(burst);
    }

    // The server drops every listener: each reconnects, says so (null), and hears again.
    await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid()`,
    );
    expect(await a.next()).toBeNull();
    expect(await b.next()).toBeNull();
    await notify(['node4']);
    await admin.end();
    expect([await a.next(), await b.next()]).toEqual(['node4', 'node4']);
    expect(lines.filter((l) => l.includes('lost'))).toHaveLength(2);
  }, 60_000);
});
