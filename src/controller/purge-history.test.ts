import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../adapters/store/open-store.js';
import { pgliteTemplate } from '../testing/pglite-template.js';
import { DEFAULT_CONFIG } from './controller-deps.js';
import { startHarness } from '../testing/controller-harness.js';
import { applyDesired, basicCatalog, joinHost, reportHost } from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';
import { purgeHistory } from './purge-history.js';
import { expireReservations, runController } from './run-controller.js';
import { realWorld } from '../bin/real-world.js';

afterAll(stopPgCluster);

const vm = (name: string) => ({
  name,
  vcpus: 1,
  memoryMb: 64,
  tenant: 'acme',
  ports: [{ network: 'blue' }],
});

describe.each(STORE_KINDS)('the sweep purges history, %s', (kind) => {
  it('drops an expired instance a retention after it expired, with its ports and keys; never a live one', async () => {
    const hour = 3_600_000;
    const h = await startHarness(kind, { reservationTtlMs: 60_000, instanceRetentionMs: hour });
    try {
      await basicCatalog(h);
      const agent = await joinHost(h, { name: 'node0', pfs: 1, vfsPerPf: 4 });
      const active = await h.call('POST', '/v1/instances', h.admin, vm('active'));
      await applyDesired(h, agent, 'node0');
      const lapsed = await h.app.request('/v1/instances', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${h.admin}`,
          'content-type': 'application/json',
          'idempotency-key': 'k',
        },
        body: JSON.stringify(vm('lapsed')),
      });
      const lapsedId = ((await lapsed.json()) as { id: string }).id;
      h.clock += 61_000;
      expect(await expireReservations(h.deps)).toEqual([lapsedId]);
      const expiredAt = h.clock;
      const ids = async () =>
        (
          (await h.call('GET', '/v1/instances', h.admin)).body as unknown as {
            items: { id: string }[];
          }
        ).items
          .map((i) => i.id)
          .sort();

      h.clock = expiredAt + hour - 1_000;
      // The host reports again, so it is not stale for the next claim.
      await reportHost(h, agent, { name: 'node0', pfs: 1, vfsPerPf: 4 });
      const fresh = await h.call('POST', '/v1/instances', h.admin, vm('fresh'));
      expect(fresh.status).toBe(201);
      expect((await purgeHistory(h.deps)).instances).toEqual([]);
      expect(await ids()).toEqual([active.body.id, lapsedId, fresh.body.id].sort());

      h.clock = expiredAt + hour + 1_000;
      expect(await purgeHistory(h.deps)).toEqual({
        instances: [lapsedId],
        keys: 0,
        events: 0,
        sessions: 0,
        audit: 0,
      });
      // The active one is older than the retention, the reserved one is not expired: both stay.
      expect(await ids()).toEqual([active.body.id, fresh.body.id].sort());
      expect((await h.call('GET', `/v1/instances/${lapsedId}`, h.admin)).status).toBe(404);
      const left = await h.store.db
        .selectFrom('ports')
        .select('instance_id')
        .orderBy('instance_id')
        .execute();
      expect(left.map((p) => p.instance_id).sort()).toEqual([active.body.id, fresh.body.id].sort());
      expect(await h.store.db.selectFrom('idempotency_keys').selectAll().execute()).toEqual([]);
      expect((await purgeHistory(h.deps)).instances).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe("the running controller's sweep", () => {
  it('purges an instance that expired a retention ago, on its own', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vfleet-sweep-'));
    const store = await openStore({ kind: 'pglite', template: await pgliteTemplate() });
    const now = Date.parse('2030-01-02T00:00:00Z');
    const ctl = await runController({
      ...realWorld,
      store,
      host: '127.0.0.1',
      port: 0,
      adminTokenFile: join(dir, 'admin-token'),
      config: { ...DEFAULT_CONFIG, instanceRetentionMs: 3_600_000 },
      now: () => now,
      log: () => undefined,
      serializeClaims: true,
      sweepMs: 50,
    });
    try {
      const row = (id: string, expiredAt: string) => ({
        id,
        name: id,
        tenant: 'acme',
        state: 'expired',
        vcpus: 1,
        memory_mb: 64,
        numa_policy: 'legacy',
        host_labels: '{}',
        created_at: '2030-01-01T00:00:00Z',
        expired_at: expiredAt,
      });
      await store.db
        .insertInto('instances')
        .values([row('old', '2030-01-01T22:59:00Z'), row('recent', '2030-01-01T23:01:00Z')])
        .execute();
      const ids = async () =>
        (await store.db.selectFrom('instances').select('id').execute()).map((r) => r.id);
      const end = Date.now() + 10_000;
      while ((await ids()).includes('old') && Date.now() < end)
        await new Promise((r) => setTimeout(r, 50));
      expect(await ids()).toEqual(['recent']);
    } finally {
      await ctl.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
