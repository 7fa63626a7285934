import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../../bench/chaos-invariants.js';
import { startHarness } from '../../testing/controller-harness.js';
import { twoHostsOneInstance } from '../../testing/fleet-sim.js';
import { stopPgCluster, STORE_KINDS } from '../../testing/store-targets.js';

afterAll(stopPgCluster);

describe.each(STORE_KINDS)('releasing an instance, on %s', (kind) => {
  it('also gives back a VF another host still holds for its port (a migration whose cleanup failed)', async () => {
    const h = await startHarness(kind);
    try {
      const { id, port, other } = await twoHostsOneInstance(h);
      // What a done migration whose release-source-vf failed leaves: the old VF held for the port.
      await sql`update vfs set state = 'allocated', migration_port = ${port}
        where host_id = ${other} and vf_index = 0`.execute(h.store.db);
      const before = await h.store.db
        .selectFrom('hosts')
        .select('desired_generation')
        .where('id', '=', other)
        .executeTakeFirstOrThrow();

      expect((await h.call('DELETE', `/v1/instances/${id}`, h.admin)).status).toBe(204);
      const vf = await h.store.db
        .selectFrom('vfs')
        .select(['state', 'dirty', 'port_id', 'migration_port', 'pending_generation'])
        .where('host_id', '=', other)
        .where('vf_index', '=', 0)
        .executeTakeFirstOrThrow();
      // Free, to be reset by its own host's agent at that host's next generation.
      expect(vf).toEqual({
        state: 'free',
        dirty: true,
        port_id: null,
        migration_port: null,
        pending_generation: before.desired_generation + 1,
      });
      expect(await checkInvariants(h.store.db, new Date().toISOString(), 0)).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
