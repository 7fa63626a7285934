import { sql } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../adapters/store/open-store.js';
import { harnessOn, startHarness, type Harness } from '../testing/controller-harness.js';
import {
  SIM_IMAGES,
  applyDesired,
  basicCatalog,
  joinHost,
  reportHost,
} from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';
import { EVENTS_FEED } from './events.js';
import { expireReservations } from './run-controller.js';

afterAll(stopPgCluster);

const HOST = { name: 'node1', pfs: 1, vfsPerPf: 4 };
const VM = {
  name: 'vm1',
  vcpus: 1,
  memoryMb: 256,
  numaPolicy: 'preferred',
  hostLabels: {},
  ports: [{ network: 'blue', vnicType: 'direct' }],
};
/** Far longer than a notice takes; far shorter than the feed's 15 s re-read. */
const WOKEN_WITHIN = 5_000;

/**
 * Wake-ups come from the store's triggers on commit (migration
 * 0009-host-notices), not from the code that wrote: every path below runs
 * with the feed's notify() forbidden.
 */
describe.each(STORE_KINDS)('wake-ups the store publishes, on %s', (kind) => {
  let h: Harness;
  let agent: string;
  let tenant: string;
  beforeEach(async () => {
    h = await startHarness(kind);
    await basicCatalog(h, 4);
    agent = await joinHost(h, HOST);
    await applyDesired(h, agent, 'node1');
    tenant = await h.token('tenant', { tenant: 'acme' });
    vi.spyOn(h.deps.feed, 'notify').mockImplementation(() => {
      throw new Error('a wake-up by hand: the store should have published it');
    });
  }, 60_000);
  afterEach(() => h.close());

  /** Runs `write` while waiting on `key`: resolves true only if a notice ended the wait. */
  const wakes = async (key: string, write: () => Promise<unknown>, ms = WOKEN_WITHIN) => {
    const woken = h.deps.feed.wait(key, ms);
    await write();
    return woken;
  };
  let made = 0;
  const created = async () => {
    const r = await h.call('POST', '/v1/instances', tenant, { ...VM, name: `vm${++made}` });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };

  it("a claim answers the host's waiting long poll at once", async () => {
    const before = await h.call('GET', '/v1/agent/hosts/node1/desired', agent);
    const gen = before.body.generation as number;
    const started = Date.now();
    const poll = h.call('GET', `/v1/agent/hosts/node1/desired?after=${gen}&waitSeconds=30`, agent);
    // The poll is listening before the claim commits (it read the store first).
    await new Promise((r) => setTimeout(r, 200));
    await created();
    const answer = await poll;
    expect(answer.body.generation).toBe(gen + 1);
    expect(Date.now() - started).toBeLessThan(WOKEN_WITHIN);
  });

  it('release, boot request, delete request, expiry and a spec change wake the host', async () => {
    expect(await wakes('node1', created)).toBe(true);
    const id = (await h.call('GET', '/v1/instances', tenant)).body.items as { id: string }[];
    const first = id[0]?.id ?? '';
    expect(await wakes('node1', () => h.call('DELETE', `/v1/instances/${first}`, tenant))).toBe(
      true,
    );
    const vm2 = await created();
    await h.store.vms.create(vm2, { base: { kind: 'xml', xml: '<domain/>' }, ports: {} }, 'now');
    expect(await wakes('node1', () => h.store.vms.requestDelete(vm2, 'now'))).toBe(true);
    await created();
    h.clock += 3_600_000;
    expect(await wakes('node1', () => expireReservations(h.deps))).toBe(true);
    // Last: the host is not ready for claims until its agent applies the new spec.
    const specs = (await h.call('GET', '/v1/specs', h.admin)).body.items as { id: string }[];
    const spec = `/v1/specs/${specs[0]?.id ?? ''}`;
    const respec = () =>
      h.call('PATCH', spec, h.admin, { numVfs: 3 }).then((r) => {
        expect(r.status).toBe(200);
      });
    expect(await wakes('node1', respec)).toBe(true);
  });

  it("an agent's report of new images wakes a boot waiting for them; a heartbeat repeating it wakes nobody", async () => {
    const image = { name: 'new.qcow2', format: 'qcow2', sizeBytes: 1 << 20 };
    const more = { ...HOST, images: { ...SIM_IMAGES, images: [...SIM_IMAGES.images, image] } };
    expect(await wakes('node1', () => reportHost(h, agent, more))).toBe(true);
    // Nothing new for a waiter: the repeated report only moves last_seen (inventory-sync.ts).
    expect(await wakes('node1', () => reportHost(h, agent, more), 1_000)).toBe(false);
  });

  it('a finished hypervisor task wakes its waiter; a recorded event wakes followers', async () => {
    const id = await created();
    await h.store.vms.addTask(
      { id: 't1', hostId: 'node1', instanceId: id, op: 'migrate', args: {} },
      'now',
    );
    const done = () =>
      h.call('POST', '/v1/agent/hosts/node1/tasks/t1', agent, { ok: true, message: null });
    expect(await wakes('task:node1', done)).toBe(true);
    const event = () =>
      h.store.events.record(
        [
          {
            kind: 'instance-deleted',
            host: null,
            tenant: null,
            subject: 'x',
            message: 'm',
            data: {},
          },
        ],
        new Date(h.clock).toISOString(),
      );
    expect(await wakes(EVENTS_FEED, event)).toBe(true);
  });

  it('a rolled-back change wakes nobody; the next committed one does', async () => {
    const bump = sql`update hosts set desired_generation = desired_generation + 1 where id = 'node1'`;
    const rolledBack = () =>
      h.store.db
        .transaction()
        .execute(async (tx) => {
          await bump.execute(tx);
          throw new Error('rolled back');
        })
        .catch(() => undefined);
    expect(await wakes('node1', rolledBack, 1_000)).toBe(false);
    expect(await wakes('node1', () => bump.execute(h.store.db))).toBe(true);
  });
});

describe('two controllers on one PostgreSQL', () => {
  it("a change through one wakes the other's waiters", async () => {
    const a = await startHarness('postgres');
    const b = await harnessOn(await openStore({ kind: 'postgres', url: a.url ?? '' }), a.url);
    try {
      await basicCatalog(a, 4);
      const agent = await joinHost(a, HOST);
      await applyDesired(a, agent, 'node1');
      const tenant = await a.token('tenant', { tenant: 'acme' });
      const woken = b.deps.feed.wait('node1', WOKEN_WITHIN);
      expect((await a.call('POST', '/v1/instances', tenant, VM)).status).toBe(201);
      expect(await woken).toBe(true);
    } finally {
      await b.close();
      await a.close();
    }
  }, 60_000);
});
