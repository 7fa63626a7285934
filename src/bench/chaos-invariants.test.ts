import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type Json } from '../testing/controller-harness.js';
import { applyDesired, basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { checkInvariants, checkSettled } from './chaos-invariants.js';

/** The soak's invariant checks find each kind of breakage in a real store, and nothing in a sound one. */
let h: Harness;
let agent = '';
const ports: string[] = [];
beforeAll(async () => {
  h = await startHarness('pglite');
  await basicCatalog(h, 4);
  agent = await joinHost(h, { name: 'n1', pfs: 1, vfsPerPf: 4 });
  for (const name of ['a', 'b']) {
    const r = await h.call('POST', '/v1/instances', h.admin, {
      name,
      vcpus: 1,
      memoryMb: 64,
      tenant: 'acme',
      ports: [{ network: 'blue' }],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    ports.push(String((r.body.ports as { id: string }[])[0]?.id));
  }
  await applyDesired(h, agent, 'n1');
}, 60_000);
afterAll(() => h.close());

const now = () => new Date(h.clock).toISOString();
const invariants = async () =>
  (await checkInvariants(h.store.db, now(), 30_000)).map((v) => v.invariant);

describe('the chaos soak invariants', () => {
  it('find nothing in a sound fleet', async () => {
    expect(await checkInvariants(h.store.db, now(), 30_000)).toEqual([]);
    expect(await checkSettled(h.store.db)).toEqual([]);
  });

  it('find a port holding a VF and a whole PF, and a hold whose port is gone', async () => {
    const pf = await h.store.db.selectFrom('pfs').select('id').executeTakeFirstOrThrow();
    await h.store.db
      .updateTable('pfs')
      .set({ port_id: ports[0] ?? '', state: 'allocated' })
      .where('id', '=', pf.id)
      .execute();
    expect(await invariants()).toEqual(['a port holds one device']);
    await h.store.db
      .updateTable('pfs')
      .set({ port_id: 'gone', state: 'allocated' })
      .where('id', '=', pf.id)
      .execute();
    expect(await invariants()).toEqual(['every hold has its port']);
    await h.store.db
      .updateTable('pfs')
      .set({ port_id: null, state: 'free' })
      .where('id', '=', pf.id)
      .execute();
    expect(await invariants()).toEqual([]);
  });

  it('find a VF held by one port and for the migration of another', async () => {
    await h.store.db
      .updateTable('vfs')
      .set({ migration_port: ports[1] ?? '' })
      .where('port_id', '=', ports[0] ?? '')
      .execute();
    expect(await invariants()).toEqual(['a VF is held by one port']);
    await h.store.db
      .updateTable('vfs')
      .set({ migration_port: null })
      .where('port_id', '=', ports[0] ?? '')
      .execute();
  });

  it('find a live instance whose port lost its VF', async () => {
    const held = await h.store.db
      .selectFrom('vfs')
      .select(['id', 'state'])
      .where('port_id', '=', ports[1] ?? '')
      .executeTakeFirstOrThrow();
    await h.store.db
      .updateTable('vfs')
      .set({ port_id: null, state: 'free' })
      .where('id', '=', held.id)
      .execute();
    expect(await checkInvariants(h.store.db, now(), 30_000)).toEqual([
      {
        invariant: 'a live instance holds its devices',
        detail: `instance b (active): port ${ports[1] ?? ''} (direct) holds no device`,
      },
    ]);
    await h.store.db
      .updateTable('vfs')
      .set({ port_id: ports[1] ?? '', state: held.state })
      .where('id', '=', held.id)
      .execute();
  });

  it('find a reservation past its time and its slack', async () => {
    await sql`update instances set state = 'reserved', reserved_until = ${new Date(h.clock - 60_000).toISOString()}
      where name = 'a'`.execute(h.store.db);
    expect(await invariants()).toEqual(['no reservation outlives its time']);
    // Within the slack it is the sweep's to expire, not a violation.
    expect(await checkInvariants(h.store.db, now(), 120_000)).toEqual([]);
    await sql`update instances set state = 'active', reserved_until = null where name = 'a'`.execute(
      h.store.db,
    );
  });

  it('find a rollout left running at the end', async () => {
    const spec = ((await h.call('GET', '/v1/specs', h.admin)).body.items as Json[])[0];
    const patch = await h.call('PATCH', `/v1/specs/${String(spec?.id)}`, h.admin, {
      numVfs: 5,
      rollout: { maxUnavailable: 1, canary: 0 },
    });
    const id = String(patch.body.rollout);
    // Named with its message: why it is still going is the first thing to read.
    const { message } = (await h.call('GET', `/v1/rollouts/${id}`, h.admin)).body;
    expect(message).toEqual(expect.any(String));
    expect(await checkSettled(h.store.db)).toEqual([
      {
        invariant: 'every rollout finished or aborted',
        detail: `rollout ${id} still running: ${String(message)}`,
      },
    ]);
    // Aborted while n1, held back, has instances on VFs the change would have recreated:
    // n1 never left the old state, so nothing is taken and the abort goes through.
    expect((await h.call('POST', `/v1/rollouts/${id}/abort`, h.admin, {})).status).toBe(200);
    expect(await checkSettled(h.store.db)).toEqual([]);
  });
});
