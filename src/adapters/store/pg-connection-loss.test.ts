import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { VfleetError } from '../../core/errors.js';
import { openTestStore, stopPgCluster } from '../../testing/store-targets.js';

afterAll(stopPgCluster);

describe('a PostgreSQL connection lost under a statement', () => {
  it('is MISSING_DEPENDENCY naming PostgreSQL (a 503), and the next statement gets a new connection', async () => {
    const { store, url } = await openTestStore('postgres', 2);
    const admin = new pg.Client({ connectionString: url ?? '' });
    await admin.connect();
    try {
      // A transaction in flight when its backend is ended (pg_terminate_backend, a restart).
      const inFlight = store.db
        .transaction()
        .execute(async (tx) => {
          await sql`insert into physnets (name, vlan_ranges) values ('cut', '[]')`.execute(tx);
          await sql`select pg_sleep(30)`.execute(tx);
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      for (let i = 0; i < 100; i++) {
        const r = await admin.query<{ n: number }>(
          `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
           where datname = current_database() and pid <> pg_backend_pid() and query like '%pg_sleep%'
             and query not like '%pg_stat_activity%'`,
        );
        if ((r.rows[0]?.n ?? 0) > 0) break;
        await new Promise((res) => setTimeout(res, 50));
      }
      const e = await inFlight;
      expect(e).toBeInstanceOf(VfleetError);
      expect(e).toMatchObject({
        code: 'MISSING_DEPENDENCY',
        details: { dependency: 'postgresql' },
      });
      expect((e as VfleetError).message).toMatch(
        /^the connection to PostgreSQL was lost \(.+\); a change in flight was applied whole or not at all/,
      );
      // All or nothing: the cut transaction's insert is not there, and the pool goes on.
      const left = await sql<{
        n: number;
      }>`select count(*)::int as n from physnets where name = 'cut'`.execute(store.db);
      expect(left.rows[0]?.n).toBe(0);
    } finally {
      await admin.end();
      await store.close();
    }
  });

  it('a statement that fails on its own keeps its error (a unique violation is no outage)', async () => {
    const { store } = await openTestStore('postgres', 2);
    try {
      await sql`insert into physnets (name, vlan_ranges) values ('dup', '[]')`.execute(store.db);
      const e = await sql`insert into physnets (name, vlan_ranges) values ('dup', '[]')`
        .execute(store.db)
        .catch((x: unknown) => x);
      expect(e).not.toBeInstanceOf(VfleetError);
      expect(e).toMatchObject({ code: '23505' });
    } finally {
      await store.close();
    }
  });
});
