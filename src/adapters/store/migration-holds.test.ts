import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness } from '../../testing/controller-harness.js';
import { twoHostsOneInstance } from '../../testing/fleet-sim.js';
import { stopPgCluster, STORE_KINDS } from '../../testing/store-targets.js';

afterAll(stopPgCluster);

describe.each(STORE_KINDS)("a migration's VF hold on its target, on %s", (kind) => {
  it('is refused while the target has a declared change to apply, or is cordoned, as a claim is', async () => {
    const h = await startHarness(kind);
    try {
      const { port, other: target } = await twoHostsOneInstance(h);
      // A rollout released the target: its new declared state is not applied yet.
      await sql`update hosts set desired_generation = desired_generation + 1,
        spec_generation = desired_generation + 1 where id = ${target}`.execute(h.store.db);
      await expect(h.store.vms.holdVf(port, target, null)).rejects.toThrow(
        `host ${target} has not applied its declared state yet`,
      );
      await sql`update hosts set applied_generation = spec_generation, cordoned = true
        where id = ${target}`.execute(h.store.db);
      await expect(h.store.vms.holdVf(port, target, null)).rejects.toMatchObject({
        code: 'CONFLICT',
        message: `host ${target} is cordoned`,
      });
      await sql`update hosts set cordoned = false where id = ${target}`.execute(h.store.db);
      expect(await h.store.vms.holdVf(port, target, null)).toMatchObject({ hostId: target });
      const held = await h.store.db
        .selectFrom('vfs')
        .select('state')
        .where('migration_port', '=', port)
        .execute();
      expect(held).toEqual([{ state: 'reserved' }]);
    } finally {
      await h.close();
    }
  });
});
