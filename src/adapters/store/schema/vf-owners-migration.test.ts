import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type StoreTarget } from '../open-store.js';
import { pgCluster, STORE_KINDS, stopPgCluster } from '../../../testing/store-targets.js';
import { pgliteTemplate } from '../../../testing/pglite-template.js';
import { schemaVersions } from './schema-versions.js';

afterAll(stopPgCluster);

/** A database at schema version 0013 (before owners), and how to open it as a store afterwards. */
async function before0014(kind: (typeof STORE_KINDS)[number]) {
  if (kind === 'postgres') {
    const url = await (await pgCluster()).createDatabase(`t_${randomUUID().replace(/-/g, '')}`);
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    return { db, target: { kind, url } as StoreTarget, cleanup: () => Promise.resolve() };
  }
  const dir = await mkdtemp(join(tmpdir(), 'vfleet-0014-'));
  const client = await PGlite.create(dir, { loadDataDir: await pgliteTemplate() });
  const db = new Kysely<unknown>({ dialect: new PGliteDialect(client) });
  return {
    db,
    target: { kind, dataDir: dir } as StoreTarget,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

describe.each(STORE_KINDS)('schema version 0014-vf-owners on %s', (kind) => {
  it("makes every existing spec and tagged VF vfleet's, and leaves untagged VFs without owner", async () => {
    const { db, target, cleanup } = await before0014(kind);
    try {
      const to13 = await new Migrator({ db, provider: schemaVersions }).migrateTo(
        '0013-search-indexes',
      );
      expect(to13.error).toBeUndefined();
      for (const s of [
        sql`insert into hosts (id, created_at) values ('h1', now())`,
        sql`insert into physnets (name, vlan_ranges) values ('p1', '[]')`,
        sql`insert into device_specs (id, name, pf, physnet, trusted, num_vfs, vf_driver, created_at)
              values ('s1', 'old', '0000:10:00.0#0', 'p1', false, 2, 'vfio-pci', now())`,
        sql`insert into pfs (host_id, pci_address, vendor_id, device_id, total_vfs, num_vfs, spec_id)
              values ('h1', '0000:10:00.0', '8086', '1521', 7, 2, 's1')`,
        sql`insert into vfs (pf_id, host_id, vf_index, pci_address, physnet)
              select id, 'h1', 0, '0000:10:10.0', 'p1' from pfs`,
        sql`insert into vfs (pf_id, host_id, vf_index, pci_address, physnet)
              select id, 'h1', 1, '0000:10:10.1', null from pfs`,
      ])
        await s.execute(db);
      await db.destroy();

      const store = await openStore(target);
      try {
        expect((await store.catalog.getSpec('s1'))?.owner).toBe('vfleet');
        expect((await store.catalog.getSpec('s1'))?.bandwidth).toBeNull();
        const { pfs, vfs } = await store.hosts.devices('h1');
        expect(vfs.map((v) => [v.index, v.owner])).toEqual([
          [0, 'vfleet'],
          [1, null],
        ]);
        expect(pfs[0]?.whole).toBeNull();
      } finally {
        await store.close();
      }
    } finally {
      await cleanup();
    }
  });
});
