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

describe('PostgreSQL LISTEN/NOTIFY between controllers', () => {
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
