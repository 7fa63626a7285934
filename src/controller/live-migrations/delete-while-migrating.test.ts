import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../testing/controller-harness.js';
import { basicCatalog } from '../../testing/fleet-sim.js';
import {
  agentRound,
  instanceOf,
  joinRenderOnly,
  lastMigration,
  must,
  PAIR,
  WEB,
} from '../../testing/render-only-pair.js';
import { stopPgCluster, STORE_KINDS } from '../../testing/store-targets.js';
import { createLiveMigrationReconciler } from '../live-migration-reconciler.js';

afterAll(stopPgCluster);

/**
 * A delete and a live migration of one instance never run at once: each
 * takes the instance's row lock and checks for the other. A delete in the
 * middle of a migration (the chaos soak did one) released the instance's
 * ports while the target's VF stayed held for them.
 */
describe.each(STORE_KINDS)('deleting an instance that is migrating, on %s', (kind) => {
  it('is refused naming the migration; once it has ended the delete goes through', async () => {
    const h: Harness = await startHarness(kind);
    try {
      await basicCatalog(h, 4);
      const agents = new Map<string, string>();
      for (const [i, host] of PAIR.entries())
        agents.set(host, await joinRenderOnly(h, host, 0x10 * (i + 1)));
      const round = async () => {
        for (const host of PAIR) await agentRound(h, host, agents.get(host) ?? '', false);
      };
      await round();
      const created = await must(h.call('POST', '/v1/instances', h.admin, WEB), 201, 'create');
      const id = String(created.id);
      await round();
      const from = (await instanceOf(h, id)).host;
      const to = PAIR.find((x) => x !== from) ?? '';
      const started = await must(
        h.call('POST', `/v1/instances/${id}/migrate`, h.admin, { host: to }),
        202,
        'migrate',
      );

      const refused = await h.call('DELETE', `/v1/instances/${id}`, h.admin);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        code: 'CONFLICT',
        message: `instance web is migrating (migration ${String(started.id)}); delete it once the migration has ended`,
        details: { migration: started.id },
      });
      // Nothing of the delete stayed: the domain is still wanted.
      expect((await h.call('GET', `/v1/instances/${id}`, h.admin)).body).toMatchObject({
        vm: { desired: 'running' },
      });

      for (let i = 0; (await lastMigration(h, id))?.state === 'running'; i++) {
        if (i > 20) throw new Error('the migration did not end');
        const r = createLiveMigrationReconciler(h.deps, { owner: 'test', log: () => undefined });
        r.kick();
        await r.stop();
        await round();
      }
      expect((await lastMigration(h, id))?.state).toBe('done');
      await must(h.call('DELETE', `/v1/instances/${id}`, h.admin), 202, 'delete');
      // And a migration asked for now is refused: the instance is being deleted.
      const late = await h.call('POST', `/v1/instances/${id}/migrate`, h.admin, { host: from });
      expect(late.status).toBe(409);
      expect(late.body.message).toBe('instance web is being deleted');
    } finally {
      await h.close();
    }
  }, 120_000);
});
