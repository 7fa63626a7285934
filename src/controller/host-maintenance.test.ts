import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type Json } from '../testing/controller-harness.js';
import { basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { advanceDrain } from './hosts/drain-pass.js';

/** Cordon and allocation rules through the API, the scheduler and the claim (docs/controller.md). */
let h: Harness;
beforeAll(async () => {
  h = await startHarness('pglite');
  await basicCatalog(h, 4);
  // Each sim host: NUMA nodes 0 and 1 with 16 CPUs each, 8192 MiB.
  await joinHost(h, { name: 'a1', pfs: 2, vfsPerPf: 4, labels: { rack: 'a' }, memoryMb: 8192 });
  await joinHost(
    h,
    { name: 'b1', pfs: 2, vfsPerPf: 4, labels: { rack: 'b' }, memoryMb: 8192 },
    0x20,
  );
}, 60_000);
afterAll(() => h.close());

const create = (name: string, over: Json = {}) =>
  h.call('POST', '/v1/instances', h.admin, {
    name,
    vcpus: 1,
    memoryMb: 256,
    tenant: 'acme',
    numaPolicy: 'preferred',
    hostLabels: {},
    ports: [{ network: 'blue' }],
    ...over,
  });
// 202 for a booted instance: its agent removes the domain first.
const remove = async (id: unknown) => {
  const r = await h.call('DELETE', `/v1/instances/${String(id)}`, h.admin);
  expect([202, 204]).toContain(r.status);
};
const detail = async (host: string) => (await h.call('GET', `/v1/hosts/${host}`, h.admin)).body;

describe('cordon', () => {
  it('stops new placements on the host, says so, and uncordon lets them in again', async () => {
    const c = await h.call('POST', '/v1/hosts/a1/cordon', h.admin, { reason: 'BIOS update' });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body).toMatchObject({ host: 'a1', cordoned: true, reason: 'BIOS update' });
    expect((await detail('a1')).cordon).toMatchObject({ reason: 'BIOS update' });

    const onA = await create('c1', { hostLabels: { rack: 'a' } });
    expect(onA.status).toBe(409);
    expect(onA.body).toMatchObject({ code: 'NO_CAPACITY' });
    expect(onA.body.message).toContain('1 cordoned');
    // Elsewhere the fleet goes on.
    const onB = await create('c2');
    expect(onB.body.host).toBe('b1');

    const u = await h.call('POST', '/v1/hosts/a1/uncordon', h.admin, {});
    expect(u.body).toMatchObject({ cordoned: false, reason: null, since: null });
    const again = await create('c3', { hostLabels: { rack: 'a' } });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    await remove(onB.body.id);
    await remove(again.body.id);

    const audit = await h.call('GET', '/v1/audit?object=host:a1', h.admin);
    const actions = (audit.body.items as { action: string }[]).map((x) => x.action);
    expect(actions).toEqual(expect.arrayContaining(['host.cordon', 'host.uncordon']));
    const events = await h.call('GET', '/v1/events?host=a1', h.admin);
    const kinds = (events.body.items as { kind: string }[]).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['host-cordoned', 'host-uncordoned']));
  });

  it('refuses bad input naming the field, and an unknown host', async () => {
    const long = await h.call('POST', '/v1/hosts/a1/cordon', h.admin, { reason: 'x'.repeat(201) });
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'reason' } });
    expect((await h.call('POST', '/v1/hosts/nope/cordon', h.admin, {})).status).toBe(404);
    const drain = await h.call('POST', '/v1/hosts/a1/drain', h.admin, { maxParallel: 0 });
    expect(drain.body).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'maxParallel' } });
    expect((await detail('a1')).cordon).toBeNull();
  });
});

describe('allocation rules', () => {
  const put = (name: string, body: Json) =>
    h.call('PUT', `/v1/allocation-rules/${name}`, h.admin, body);

  it('gives a host its ratios and reserved CPUs and memory, the most specific rule winning', async () => {
    // Rack a: half its CPUs promised, 2 CPUs of each node and 4096 MiB kept for the host.
    const r = await put('rack-a', {
      hostLabels: { rack: 'a' },
      cpuRatio: 0.5,
      reservedCpus: '0-1,16-17',
      reservedMemoryMb: 4096,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ reservedCpus: [0, 1, 16, 17], memoryRatio: 1 });
    expect((await detail('a1')).allocation).toEqual({
      rule: 'rack-a',
      cpuRatio: 0.5,
      memoryRatio: 1,
      reservedCpus: [0, 1, 16, 17],
      reservedMemoryMb: 4096,
      // Each node: (16 - 2 reserved) x 0.5.
      vcpus: [
        { node: 0, vcpus: 7 },
        { node: 1, vcpus: 7 },
      ],
      memoryMb: 4096,
    });
    const big = await create('big', { vcpus: 8, hostLabels: { rack: 'a' } });
    expect(big.status).toBe(409);
    expect(big.body.message).toContain('1 short of free vCPUs on any NUMA node');
    const mem = await create('mem', { memoryMb: 4097, hostLabels: { rack: 'a' } });
    expect(mem.body.message).toContain('1 short of memory');
    // Booted: pinned to its node's CPUs but the reserved ones.
    const vm = await create('pinned', {
      vcpus: 7,
      numaPolicy: 'required',
      hostLabels: { rack: 'a' },
      ports: [{ network: 'blue', vnicType: 'direct' }],
      boot: { image: 'vm.qcow2' },
    });
    expect(vm.status, JSON.stringify(vm.body)).toBe(201);
    const xml = await h.call('GET', `/v1/instances/${String(vm.body.id)}/xml`, h.admin);
    expect(String(xml.body.xml)).toContain(`cpuset="${vm.body.numaNode === 0 ? '2-15' : '18-31'}"`);
    // A rule naming the host beats the label rule: back to the whole host.
    expect((await put('a1-only', { host: 'a1', cpuRatio: 4 })).status).toBe(200);
    expect((await detail('a1')).allocation).toMatchObject({
      rule: 'a1-only',
      vcpus: [
        { node: 0, vcpus: 64 },
        { node: 1, vcpus: 64 },
      ],
    });
    const more = await create('more', { vcpus: 40, hostLabels: { rack: 'a' } });
    expect(more.status, JSON.stringify(more.body)).toBe(201);
    const list = await h.call('GET', '/v1/allocation-rules', h.admin);
    expect((list.body.items as { name: string }[]).map((x) => x.name)).toEqual([
      'a1-only',
      'rack-a',
    ]);
    for (const name of ['a1-only', 'rack-a'])
      expect((await h.call('DELETE', `/v1/allocation-rules/${name}`, h.admin)).status).toBe(204);
    expect((await detail('a1')).allocation).toMatchObject({ rule: null, cpuRatio: 1 });
    await remove(vm.body.id);
    await remove(more.body.id);
    const audit = await h.call('GET', '/v1/audit?object=allocation:rack-a', h.admin);
    expect((audit.body.items as { action: string }[]).map((x) => x.action).sort()).toEqual([
      'allocation.delete',
      'allocation.set',
    ]);
  });

  it.each([
    ['a ratio of 0', { cpuRatio: 0 }, 'cpuRatio'],
    ['a memory ratio above 4', { memoryRatio: 5 }, 'memoryRatio'],
    ['a CPU list that is not one', { reservedCpus: '3-1' }, 'reservedCpus'],
    ['negative reserved memory', { reservedMemoryMb: -1 }, 'reservedMemoryMb'],
    ['both a host and labels', { host: 'a1', hostLabels: { rack: 'a' } }, 'hostLabels'],
  ])('refuses %s naming the field, storing nothing', async (_what, body, field) => {
    const r = await put('bad', body);
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body).toMatchObject({ code: 'INVALID_INPUT', details: { field } });
    expect((await h.call('GET', '/v1/allocation-rules', h.admin)).body.items).toEqual([]);
  });
});

describe('a drain kept in the store', () => {
  it('is carried on by any pass from what is stored, and ends once the host is empty', async () => {
    const held = await create('held', { hostLabels: { rack: 'b' } });
    expect(held.body.host).toBe('b1');
    const started = await h.call('POST', '/v1/hosts/b1/drain', h.admin, {});
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body).toMatchObject({ state: 'draining', maxParallel: 2 });
    // A pass of a controller that never saw the request (no maintenance passes run in this harness).
    const [open] = await h.deps.store.maintenance.openDrains();
    expect(open?.host).toBe('b1');
    if (open === undefined) return;
    expect(await advanceDrain(h.deps, open)).toBe('stuck');
    const stuck = await h.call('GET', '/v1/hosts/b1/drain', h.admin);
    expect(stuck.body).toMatchObject({
      state: 'stuck',
      blocked: [{ name: 'held', reason: 'instance held was not booted: it has no domain' }],
    });
    // The same pass again changes nothing (idempotent): still stuck, one event for it.
    const [again] = await h.deps.store.maintenance.openDrains();
    if (again !== undefined) expect(await advanceDrain(h.deps, again)).toBe('stuck');
    await remove(held.body.id);
    const [last] = await h.deps.store.maintenance.openDrains();
    if (last !== undefined) expect(await advanceDrain(h.deps, last)).toBe('drained');
    expect(await h.deps.store.maintenance.openDrains()).toEqual([]);
    const events = await h.call('GET', '/v1/events?host=b1', h.admin);
    const states = (events.body.items as { kind: string; data: { state?: string } }[])
      .filter((e) => e.kind === 'host-drain')
      .map((e) => e.data.state);
    expect(states).toEqual(['draining', 'stuck', 'drained']);
    // Uncordoned after maintenance: it takes instances again.
    expect((await h.call('POST', '/v1/hosts/b1/uncordon', h.admin, {})).body).toMatchObject({
      cordoned: false,
    });
  });
});
