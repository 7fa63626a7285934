import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type Json } from '../testing/controller-harness.js';
import { basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { sql } from 'kysely';
import type { NewEvent } from '../core/fleet/events.js';
import { beginLiveMigration } from '../core/migration/live-migration-machine.js';
import { planLiveMigration } from '../core/migration/live-migration-plan.js';
import { migrationRequest } from '../testing/live-migration-fixture.js';
import { liveTaskId, performLiveEffect } from './live-migration-effects.js';

interface Desired {
  generation: number;
  domains: { instanceId: string; name: string; state: string; xml: string | null }[];
  tasks: { id: string; op: string }[];
}

let h: Harness;
let agent = '';
beforeAll(async () => {
  h = await startHarness('pglite');
  await basicCatalog(h, 4);
  agent = await joinHost(h, { name: 'node1', pfs: 2, vfsPerPf: 4 });
  await joinHost(h, { name: 'node2', pfs: 1, vfsPerPf: 4 }, 0x20);
}, 60_000);
afterAll(() => h.close());

const boot = (over: Json = {}, port: Json = {}) => ({
  name: 'vm',
  vcpus: 2,
  memoryMb: 512,
  tenant: 'acme',
  hostLabels: {},
  ports: [{ network: 'blue', ...port }],
  boot: { image: 'vm.qcow2' },
  ...over,
});
const desired = async (host = 'node1') =>
  (await h.call('GET', `/v1/agent/hosts/${host}/desired`, h.admin)).body as unknown as Desired;
/** Free VFs; `clean`: only those never claimed since the agent's last reset. */
const freeVfs = async (clean = false) => {
  const d = (await h.call('GET', '/v1/hosts/node1', h.admin)).body as unknown as {
    pfs: { vfs: { state: string; dirty: boolean }[] }[];
  };
  const vfs = d.pfs.flatMap((p) => p.vfs);
  return vfs.filter((v) => v.state === 'free' && !(clean && v.dirty)).length;
};

describe('boot input', () => {
  it.each([
    ['neither image nor domainXml', { boot: {} }, {}, 'boot'],
    ['an image path with ..', { boot: { image: '../x' } }, {}, 'boot.image'],
    ['an image path with /', { boot: { image: 'a/b.qcow2' } }, {}, 'boot.image'],
    [
      'a host path from a tenant-policy token',
      { boot: { image: '/etc/shadow' } },
      {},
      'boot.image',
    ],
    [
      'imageFormat without image',
      { boot: { domainXml: '<domain/>', imageFormat: 'raw' } },
      {},
      'boot.imageFormat',
    ],
    [
      'an unknown image format',
      { boot: { image: 'vm.qcow2', imageFormat: 'vmdk' } },
      {},
      'boot.imageFormat',
    ],
    ['a bridge on a direct port', {}, { bridge: 'br0' }, 'ports[0].bridge'],
    ['a NIC model on a direct port', {}, { nicModel: 'igb' }, 'ports[0].nicModel'],
    [
      'an unknown NIC model',
      {},
      { vnicType: 'normal', bridge: 'br0', nicModel: 'e1000e' },
      'ports[0].nicModel',
    ],
    [
      'a standby on a macvtap port',
      {},
      { vnicType: 'macvtap', standby: { bridge: 'br0' } },
      'ports[0].standby',
    ],
    [
      'bridge and libvirtNetwork',
      {},
      { vnicType: 'normal', bridge: 'br0', libvirtNetwork: 'x' },
      'ports[0].libvirtNetwork',
    ],
  ])('refuses %s naming the field', async (_what, over, port, field) => {
    const r = await h.call('POST', '/v1/instances', h.admin, boot(over, port));
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body).toMatchObject({ code: 'INVALID_INPUT', details: { field } });
  });

  it('refuses domain XML it cannot wire on the claimed VF, and nothing is claimed', async () => {
    const [before, clean] = [await freeVfs(), await freeVfs(true)];
    const generation = (await desired()).generation;
    const r = await h.call(
      'POST',
      '/v1/instances',
      h.admin,
      boot({ boot: { domainXml: '<domain><vcpus/></domain>' } }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'boot.domainXml' } });
    expect(String(r.body.message)).toMatch(/^boot: /);
    expect((await h.call('GET', '/v1/instances', h.admin)).body.items).toEqual([]);
    expect(await freeVfs()).toBe(before);
    // Rendered in the claim's transaction: it never committed, so no VF waits for a reset
    // and the host's agent has nothing new to do.
    expect(await freeVfs(true)).toBe(clean);
    expect((await desired()).generation).toBe(generation);
  });
});

describe('the domain through the agent', () => {
  it('is in the desired state as rendered, runs when the agent says so, and goes before its VFs', async () => {
    const created = await h.call('POST', '/v1/instances', h.admin, boot({ name: 'web' }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = String(created.body.id);
    const host = String(created.body.host);
    const token = host === 'node1' ? agent : await h.token('agent', { host });
    const want = await desired(host);
    const dom = want.domains.find((d) => d.instanceId === id);
    expect(dom).toMatchObject({ state: 'running', name: `web-${id.slice(0, 8)}` });
    const xml = (await h.call('GET', `/v1/instances/${id}/xml`, h.admin)).body;
    expect(xml.xml).toBe(dom?.xml);
    expect(String(xml.xml)).toContain('<source file="/var/lib/vfleet/images/vm.qcow2"/>');

    const show = async () => (await h.call('GET', `/v1/instances/${id}`, h.admin)).body;
    expect(await show()).toMatchObject({ vm: { desired: 'running', state: null } });
    const applied = (domains: Json[]) =>
      h.call('POST', `/v1/agent/hosts/${host}/applied`, token, {
        generation: want.generation,
        ok: true,
        domains,
      });
    await applied([{ instanceId: id, state: 'running', message: null, hypervisor: 'virsh' }]);
    expect(await show()).toMatchObject({ vm: { state: 'running', stateNote: null } });
    // A render-only host's "running" domain is a definition only: never shown as running.
    await applied([{ instanceId: id, state: 'running', message: null, hypervisor: 'render-only' }]);
    expect(await show()).toMatchObject({
      vm: {
        state: 'rendered',
        stateNote: 'render-only host: the domain is defined, no VM runs',
        hypervisor: 'render-only',
      },
    });

    // Delete: 202, the domain is to go, the VF stays the port's until the agent says it is gone.
    const del = await h.call('DELETE', `/v1/instances/${id}`, h.admin);
    expect(del.status).toBe(202);
    expect(del.body).toMatchObject({ vm: { desired: 'absent' } });
    expect((await desired(host)).domains.find((d) => d.instanceId === id)).toMatchObject({
      state: 'absent',
      xml: null,
    });
    const port = (await h.call('GET', '/v1/ports', h.admin)).body.items as {
      instanceId: string;
    }[];
    expect(port.some((p) => p.instanceId === id)).toBe(true);
    // A failed removal keeps everything.
    await applied([
      { instanceId: id, state: 'failed', message: 'virsh: busy', hypervisor: 'virsh' },
    ]);
    expect(await show()).toMatchObject({ vm: { state: 'failed', message: 'virsh: busy' } });
    await applied([{ instanceId: id, state: 'absent', message: null, hypervisor: 'virsh' }]);
    expect((await h.call('GET', `/v1/instances/${id}`, h.admin)).status).toBe(404);
    expect((await desired(host)).domains.some((d) => d.instanceId === id)).toBe(false);
  });

  it('only the host the instance is on speaks for its domain', async () => {
    const created = await h.call(
      'POST',
      '/v1/instances',
      h.admin,
      boot({ name: 'own', hostLabels: {} }),
    );
    const id = String(created.body.id);
    const other = created.body.host === 'node1' ? 'node2' : 'node1';
    const token = await h.token('agent', { host: other });
    await h.call('POST', `/v1/agent/hosts/${other}/applied`, token, {
      generation: 0,
      ok: true,
      domains: [{ instanceId: id, state: 'running', message: null, hypervisor: 'virsh' }],
    });
    expect((await h.call('GET', `/v1/instances/${id}`, h.admin)).body).toMatchObject({
      vm: { state: null },
    });
    await h.call('DELETE', `/v1/instances/${id}`, h.admin);
  });
});

describe('migration refusals', () => {
  it('says why before anything moves', async () => {
    const created = await h.call('POST', '/v1/instances', h.admin, boot({ name: 'mig' }));
    const id = String(created.body.id);
    const host = String(created.body.host);
    const migrate = (body: Json) => h.call('POST', `/v1/instances/${id}/migrate`, h.admin, body);
    // Not running yet.
    expect((await migrate({ host: 'node2' })).body).toMatchObject({ code: 'CONFLICT' });
    const token = await h.token('agent', { host });
    await h.call('POST', `/v1/agent/hosts/${host}/applied`, token, {
      generation: 0,
      ok: true,
      domains: [{ instanceId: id, state: 'running', message: null, hypervisor: 'virsh' }],
    });
    const unknown = await migrate({ host: 'nowhere' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ details: { field: 'host' } });
    // These simulated agents said nothing of libvirt: no live migration.
    const other = host === 'node1' ? 'node2' : 'node1';
    const noLibvirt = await migrate({ host: other });
    expect(noLibvirt.status).toBe(422);
    expect(noLibvirt.body).toMatchObject({ code: 'UNSUPPORTED' });
    expect((await h.call('GET', `/v1/instances/${id}/migrations`, h.admin)).body.items).toEqual([]);
    const bad = await migrate({ host: 'no such host!' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ details: { field: 'host' } });
    // Not booted: nothing to migrate, no XML.
    const plain = await h.call('POST', '/v1/instances', h.admin, {
      ...boot({ name: 'plain' }),
      boot: undefined,
    });
    expect(
      (await h.call('GET', `/v1/instances/${String(plain.body.id)}/xml`, h.admin)).status,
    ).toBe(409);
    expect(
      (await h.call('POST', `/v1/instances/${String(plain.body.id)}/migrate`, h.admin, {})).status,
    ).toBe(409);
  });
});

describe('hypervisor tasks of a live migration', () => {
  const limits = { deviceMs: 50, migrateMs: 50 };
  const effect = (op: 'attach-device' | 'detach-device', seq: number) =>
    ({ kind: 'task', seq, hostId: 'node2', op, args: { domain: 'dom' }, limit: 'device' }) as const;

  it('a task no agent takes up is withdrawn: TIMEOUT, and a late answer finds nothing', async () => {
    const m = { id: 'm-timeout', instanceId: 'i-1' };
    expect(await performLiveEffect(h.deps, m, effect('attach-device', 1), limits)).toBeNull();
    expect((await desired('node2')).tasks).toMatchObject([{ id: liveTaskId(m.id, 1) }]);
    // Within its limit the task waits; past it, it is withdrawn.
    expect(await performLiveEffect(h.deps, m, effect('attach-device', 1), limits)).toBeNull();
    h.clock += 51;
    expect(await performLiveEffect(h.deps, m, effect('attach-device', 1), limits)).toMatchObject({
      ok: false,
      error: { code: 'TIMEOUT' },
    });
    expect((await desired('node2')).tasks).toEqual([]);
    const token = await h.token('agent', { host: 'node2' });
    const late = await h.call('POST', `/v1/agent/hosts/node2/tasks/${liveTaskId(m.id, 1)}`, token, {
      ok: true,
    });
    expect(late.status).toBe(404);
  });

  it('an agent answer settles the effect, failure with its message, and asking again answers the same', async () => {
    const m = { id: 'm-answer', instanceId: 'i-2' };
    const token = await h.token('agent', { host: 'node2' });
    expect(await performLiveEffect(h.deps, m, effect('detach-device', 1), limits)).toBeNull();
    const want = (await desired('node2')).tasks;
    expect(want).toMatchObject([{ op: 'detach-device' }]);
    const answer = await h.call('POST', `/v1/agent/hosts/node2/tasks/${want[0]?.id ?? ''}`, token, {
      ok: false,
      message: 'device not found',
    });
    expect(answer.status).toBe(204);
    h.clock += 1_000;
    for (let i = 0; i < 2; i++) {
      expect(await performLiveEffect(h.deps, m, effect('detach-device', 1), limits)).toEqual({
        ok: false,
        error: { code: 'COMMAND_FAILED', message: 'detach-device on node2: device not found' },
      });
    }
  });
});

describe('migration records', () => {
  const live = beginLiveMigration(planLiveMigration(migrationRequest()), {
    instanceId: 'i',
    policy: 'tenant',
  });
  const event = (kind: NewEvent['kind'], subject: string): NewEvent => ({
    kind,
    host: 'node1',
    tenant: 'acme',
    subject,
    message: `${kind} ${subject}`,
    data: {},
  });
  async function started(name: string) {
    const created = await h.call('POST', '/v1/instances', h.admin, boot({ name }));
    const id = String(created.body.id);
    const source = String(created.body.host);
    const target = source === 'node1' ? 'node2' : 'node1';
    const at = new Date(h.clock).toISOString();
    const rec = { id: `m-${name}`, instanceId: id, source, target };
    const lease = { owner: 'me', until: new Date(h.clock + 60_000).toISOString() };
    const start = { ...rec, createdAt: at, report: { progress: [] }, live, lease };
    expect(
      await h.store.vms.startLiveMigration({ ...start, event: event('migration-started', name) }),
    ).toBe(true);
    return { id, at, start, source, target };
  }
  const end = (at: string, subject: string) => ({
    state: 'rolled-back' as const,
    report: { progress: [] },
    live,
    now: at,
    move: null,
    event: event('migration-rolled-back', subject),
  });
  const kinds = async (subject: string) =>
    (await h.store.events.page({ tenant: null }, { limit: 500, after: null })).items
      .filter((e) => e.subject === subject && e.kind.startsWith('migration-'))
      .map((e) => e.kind);

  it('a late progress write never reopens a migration that ended', async () => {
    const { id, at, start } = await started('rec');
    const vms = h.store.vms;
    const again = { ...start, id: 'm-2', event: event('migration-started', 'rec') };
    expect(await vms.startLiveMigration(again)).toBe(false);
    // Another controller's lease ends nothing; the holder's does.
    expect(await vms.finishLiveMigration('m-rec', 'other', end(at, 'rec'))).toBe(false);
    expect(await vms.finishLiveMigration('m-rec', 'me', end(at, 'rec'))).toBe(true);
    const late = { progress: [{ step: 'late', status: 'ok' as const }] };
    expect(await vms.saveLiveMigration('m-rec', 'me', live, late, at)).toBe(false);
    const [m] = await vms.migrations(id);
    expect(m).toMatchObject({
      id: 'm-rec',
      state: 'rolled-back',
      finishedAt: at,
      report: { progress: [] },
    });
    // One start event (the refused second start wrote none) and one end event.
    expect(await kinds('rec')).toEqual(['migration-started', 'migration-rolled-back']);
    // Ended: the instance may migrate again.
    expect(await vms.startLiveMigration({ ...again, id: 'm-3' })).toBe(true);
    await h.call('DELETE', `/v1/instances/${id}`, h.admin);
  });

  it('the end event commits with the row: an event that cannot be written leaves it running', async () => {
    const { id, at, source, target } = await started('tx');
    const db = h.store.db;
    await sql`create function refuse_event() returns trigger language plpgsql as
      $$ begin raise exception 'events refused (test)'; end $$`.execute(db);
    await sql`create trigger refuse_event before insert on events
      for each row execute function refuse_event()`.execute(db);
    const moved = {
      ...end(at, 'tx'),
      state: 'done' as const,
      move: { hostId: target, numaNode: 0 },
    };
    try {
      await expect(h.store.vms.finishLiveMigration('m-tx', 'me', moved)).rejects.toThrow(
        /events refused/,
      );
    } finally {
      await sql`drop trigger refuse_event on events`.execute(db);
      await sql`drop function refuse_event()`.execute(db);
    }
    // Nothing of the end happened: still running, still leased, the instance where it was.
    expect((await h.store.vms.migrations(id))[0]?.state).toBe('running');
    expect((await h.store.claims.getInstance(id))?.hostId).toBe(source);
    expect(await kinds('tx')).toEqual(['migration-started']);
    // The lease holder ends it once the events table takes writes again, event and move together.
    expect(await h.store.vms.finishLiveMigration('m-tx', 'me', moved)).toBe(true);
    expect((await h.store.vms.migrations(id))[0]?.state).toBe('done');
    expect((await h.store.claims.getInstance(id))?.hostId).toBe(target);
    expect(await kinds('tx')).toEqual(['migration-started', 'migration-rolled-back']);
  });
});
