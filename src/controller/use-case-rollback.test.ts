import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { OpenedStore } from '../adapters/store/open-store.js';
import { startHarness, type Harness } from '../testing/controller-harness.js';
import { basicCatalog, joinHost, simInventory } from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';

afterAll(stopPgCluster);

/**
 * Each write use case is one transaction: a failure in its last part (a
 * database error injected by a trigger on the table that part writes)
 * leaves nothing of its first parts behind.
 */

/** Makes every `op` on `table` fail, as a full disk or a broken constraint would. */
async function failOn(
  store: OpenedStore,
  table: string,
  op: 'INSERT OR UPDATE' | 'UPDATE' | 'DELETE',
) {
  await sql`create or replace function injected_failure() returns trigger language plpgsql as $$
    begin raise exception 'injected failure on %', tg_table_name; end $$`.execute(store.db);
  await sql`create trigger injected_failure before ${sql.raw(op)} on ${sql.table(table)}
    for each row execute function injected_failure()`.execute(store.db);
}

async function healOn(store: OpenedStore, table: string) {
  await sql`drop trigger injected_failure on ${sql.table(table)}`.execute(store.db);
}

/** A host's rows as the store keeps them: inventory, health, generations, facts. */
async function hostFootprint(store: OpenedStore, host: string) {
  const row = await store.db.selectFrom('hosts').selectAll().where('id', '=', host).execute();
  const pfs = await store.db
    .selectFrom('pfs')
    .selectAll()
    .where('host_id', '=', host)
    .orderBy('id')
    .execute();
  const vfs = await store.db
    .selectFrom('vfs')
    .selectAll()
    .where('host_id', '=', host)
    .orderBy('id')
    .execute();
  const facts = await store.db
    .selectFrom('host_facts')
    .selectAll()
    .where('host_id', '=', host)
    .execute();
  return { row, pfs, vfs, facts };
}

const withHarness =
  (kind: (typeof STORE_KINDS)[number], body: (h: Harness) => Promise<void>) => async () => {
    const h = await startHarness(kind);
    try {
      await body(h);
    } finally {
      await h.close();
    }
  };

describe.each(STORE_KINDS)('one transaction per use case on %s', (kind) => {
  it(
    'a host label or network change whose event cannot be recorded changes nothing',
    withHarness(kind, async (h) => {
      await basicCatalog(h, 4);
      await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 4 });
      const blue = (await h.store.catalog.networkByName('acme', 'blue'))?.id ?? '';
      const labels = async () => (await h.store.hosts.get('node1'))?.labels;
      const networks = async () =>
        (
          await h.store.db.selectFrom('networks').select(['id', 'name']).orderBy('id').execute()
        ).map((n) => `${n.id} ${n.name}`);
      const [labelsBefore, networksBefore] = [await labels(), await networks()];
      await failOn(h.store, 'events', 'INSERT OR UPDATE');
      const attempts: [string, string, unknown][] = [
        ['PATCH', '/v1/hosts/node1', { labels: { rack: 'r9' } }],
        ['POST', '/v1/networks', { name: 'green', physnet: 'p1', tenant: 'acme' }],
        ['PATCH', `/v1/networks/${blue}`, { name: 'teal' }],
        ['DELETE', `/v1/networks/${blue}`, undefined],
      ];
      for (const [method, path, body] of attempts) {
        const r = await h.call(method, path, h.admin, body);
        expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(500);
      }
      expect(await labels()).toEqual(labelsBefore);
      expect(await networks()).toEqual(networksBefore);
      await healOn(h.store, 'events');
      const r = await h.call('PATCH', '/v1/hosts/node1', h.admin, { labels: { rack: 'r9' } });
      expect(r.status).toBe(200);
      expect(await labels()).toEqual({ rack: 'r9' });
    }),
  );

  it(
    'a report whose render facts cannot be written leaves the host inventory as it was',
    withHarness(kind, async (h) => {
      await basicCatalog(h, 4);
      const agent = await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 4 });
      const before = await hostFootprint(h.store, 'node1');
      await failOn(h.store, 'host_facts', 'INSERT OR UPDATE');
      h.clock += 60_000;
      // A second PF with VFs, a new NUMA topology and memory: all of it must stay unwritten.
      const r = await h.call('POST', '/v1/agent/hosts/node1/report', agent, {
        inventory: simInventory({ name: 'node1', pfs: 2, vfsPerPf: 6 }, 0x10),
        findings: [],
        numaNodes: [{ node: 0, socket: 0, cpus: 8, cpuList: [0, 1, 2, 3, 4, 5, 6, 7] }],
        memoryMb: 4096,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(500);
      expect(await hostFootprint(h.store, 'node1')).toEqual(before);
      await healOn(h.store, 'host_facts');
      const again = await h.call('POST', '/v1/agent/hosts/node1/report', agent, {
        inventory: simInventory({ name: 'node1', pfs: 2, vfsPerPf: 6 }, 0x10),
        findings: [],
        numaNodes: [],
        memoryMb: 4096,
      });
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect((await hostFootprint(h.store, 'node1')).pfs).toHaveLength(2);
    }),
  );

  it(
    'an applied report whose release of a gone instance fails leaves the generation unrecorded',
    withHarness(kind, async (h) => {
      await basicCatalog(h, 4);
      const agent = await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 4 });
      const created = await h.call('POST', '/v1/instances', h.admin, {
        name: 'web',
        vcpus: 1,
        memoryMb: 256,
        tenant: 'acme',
        hostLabels: {},
        ports: [{ network: 'blue' }],
        boot: { image: 'vm.qcow2' },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const id = String(created.body.id);
      const del = await h.call('DELETE', `/v1/instances/${id}`, h.admin);
      expect(del.status, JSON.stringify(del.body)).toBe(202);
      const desired = await h.call('GET', '/v1/agent/hosts/node1/desired', agent);
      const generation = Number(desired.body.generation);
      const before = await hostFootprint(h.store, 'node1');
      expect(before.row[0]?.applied_generation).toBeLessThan(generation);
      const vmBefore = await h.store.db.selectFrom('instance_vms').selectAll().execute();
      const eventsBefore = await h.store.events.latestId();

      // The instance's row cannot go: the release, the last part of the applied report, fails.
      await failOn(h.store, 'instances', 'DELETE');
      const applied = {
        generation,
        ok: true,
        failedVfs: [],
        domains: [{ instanceId: id, state: 'absent', message: null, hypervisor: 'virsh' }],
        irqs: { changed: 1, alreadyRight: 0, failed: 0, skipped: 0, lines: ['vf0 irq 1 -> 0'] },
      };
      const r = await h.call('POST', '/v1/agent/hosts/node1/applied', agent, applied);
      expect(r.status, JSON.stringify(r.body)).toBe(500);
      expect(await hostFootprint(h.store, 'node1')).toEqual(before);
      expect(await h.store.db.selectFrom('instance_vms').selectAll().execute()).toEqual(vmBefore);
      expect(await h.store.events.latestId()).toBe(eventsBefore);
      expect((await h.call('GET', `/v1/instances/${id}`, h.admin)).status).toBe(200);

      // The agent sends it again once the database heals; now all of it is kept.
      await healOn(h.store, 'instances');
      const again = await h.call('POST', '/v1/agent/hosts/node1/applied', agent, applied);
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect((await hostFootprint(h.store, 'node1')).row[0]?.applied_generation).toBe(generation);
      expect((await h.call('GET', `/v1/instances/${id}`, h.admin)).status).toBe(404);
    }),
  );

  it(
    'a spec whose re-tag of the hosts fails is not stored, nor removed',
    withHarness(kind, async (h) => {
      const physnet = await h.call('POST', '/v1/physnets', h.admin, {
        name: 'p1',
        vlanRanges: [{ min: 100, max: 199 }],
      });
      expect(physnet.status).toBe(201);
      await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 4 });
      const before = await hostFootprint(h.store, 'node1');
      // Tagging the host's PF from the new spec is the part that fails.
      await failOn(h.store, 'pfs', 'UPDATE');
      const spec = { name: 'igb', driver: 'igb', physnet: 'p1', numVfs: 4 };
      const r = await h.call('POST', '/v1/specs', h.admin, spec);
      expect(r.status, JSON.stringify(r.body)).toBe(500);
      expect((await h.call('GET', '/v1/specs', h.admin)).body.items).toEqual([]);
      expect(await hostFootprint(h.store, 'node1')).toEqual(before);

      await healOn(h.store, 'pfs');
      const again = await h.call('POST', '/v1/specs', h.admin, spec);
      expect(again.status, JSON.stringify(again.body)).toBe(201);
      const after = await hostFootprint(h.store, 'node1');
      expect(after.pfs[0]?.spec_id).toBe(again.body.id);
      expect(after.row[0]?.desired_generation).toBeGreaterThan(
        Number(before.row[0]?.desired_generation),
      );

      // Its removal, the same: the spec stays while its hosts cannot be re-tagged.
      await failOn(h.store, 'pfs', 'UPDATE');
      const id = String(again.body.id);
      const removed = await h.call('DELETE', `/v1/specs/${id}`, h.admin);
      expect(removed.status, JSON.stringify(removed.body)).toBe(500);
      expect((await h.call('GET', `/v1/specs/${id}`, h.admin)).status).toBe(200);
      expect(await hostFootprint(h.store, 'node1')).toEqual(after);
    }),
  );
});
