import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type Json } from '../testing/controller-harness.js';
import { applyDesired, basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';
import { expireReservations } from './run-controller.js';

afterAll(stopPgCluster);

interface Rec {
  id: number;
  action: string;
  actor: { kind: string; name?: string; role?: string; tenant?: string | null };
  object: { type: string; id: string; name: string | null } | null;
  instance: string | null;
  host: string | null;
  vfs: string[];
  macs: string[];
  before: Json | null;
  after: Json | null;
  result: string;
  status: number | null;
  requestId: string | null;
  method: string | null;
  path: string | null;
}

async function audit(h: Harness, query: string): Promise<Rec[]> {
  const r = await h.call('GET', `/v1/audit?${query}`, h.admin);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.items as Rec[];
}

/** The harness's admin token's name: its first token, made before any request. */
async function adminName(h: Harness): Promise<string> {
  return (await audit(h, 'action=token.create&order=asc'))[0]?.object?.name ?? '';
}

describe.each(STORE_KINDS)('audit log on %s', (kind) => {
  it("answers who held a VF: each claim and release with instance, MAC, token; the agent's configure and reset", async () => {
    const h = await startHarness(kind);
    try {
      await basicCatalog(h, 1);
      const agent = await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 1 });
      const tenant = await h.token('tenant', { tenant: 'acme' });
      const name = (await audit(h, 'action=token.create&order=asc')).map((r) => r.object?.name);
      const create = (vm: string, mac: string) =>
        h.call('POST', '/v1/instances', tenant, {
          name: vm,
          vcpus: 1,
          memoryMb: 512,
          numaPolicy: 'preferred',
          hostLabels: {},
          ports: [{ network: 'blue', vnicType: 'direct', mac }],
        });
      const a = await create('vm-a', 'fa:16:3e:00:00:0a');
      expect(a.status).toBe(201);
      const vf = (a.body.ports as { pciAddress: string }[])[0]?.pciAddress ?? '';
      await applyDesired(h, agent, 'node1');
      expect((await h.call('DELETE', `/v1/instances/${String(a.body.id)}`, tenant)).status).toBe(
        204,
      );
      await applyDesired(h, agent, 'node1');
      const b = await create('vm-b', 'fa:16:3e:00:00:0b');
      expect(b.status).toBe(201);
      expect((b.body.ports as { pciAddress: string }[])[0]?.pciAddress).toBe(vf);

      const history = await audit(h, `vf=${vf}&order=asc`);
      expect(history.map((r) => r.action)).toEqual([
        'vf.create',
        'instance.create',
        'vf.configure',
        'instance.delete',
        'vf.reset',
        'instance.create',
      ]);
      const [made, claimA, configured, release, reset, claimB] = history;
      expect(made).toMatchObject({ actor: { kind: 'fleet' }, object: { type: 'vf', id: vf } });
      const who = { kind: 'token', role: 'tenant', tenant: 'acme' };
      expect(claimA).toMatchObject({
        actor: who,
        instance: a.body.id,
        macs: ['fa:16:3e:00:00:0a'],
      });
      expect(name).toContain(claimA?.actor.name);
      expect(claimA?.after).toMatchObject({ name: 'vm-a', tenant: 'acme' });
      expect(configured).toMatchObject({ actor: { kind: 'fleet' }, macs: ['fa:16:3e:00:00:0a'] });
      expect(configured?.after).toMatchObject({ vlan: 100, instance: 'vm-a' });
      expect(release).toMatchObject({ actor: who, instance: a.body.id, after: null });
      expect(release?.before).toMatchObject({ name: 'vm-a' });
      expect(reset).toMatchObject({ actor: { kind: 'fleet' }, object: { type: 'vf', id: vf } });
      expect(claimB).toMatchObject({ instance: b.body.id, macs: ['fa:16:3e:00:00:0b'] });
      // Newest first by default; the same records by MAC and by instance.
      expect((await audit(h, `vf=${vf}`)).map((r) => r.id)).toEqual(
        history.map((r) => r.id).reverse(),
      );
      expect((await audit(h, 'mac=FA:16:3E:00:00:0A')).length).toBe(3);
      expect(
        (await audit(h, `instance=${String(a.body.id)}&order=asc`)).map((r) => r.action),
      ).toEqual(['instance.create', 'vf.configure', 'instance.delete']);
      // A time range before everything answers nothing; paging follows the cursor.
      expect(await audit(h, `vf=${vf}&until=2000-01-01T00:00:00Z`)).toEqual([]);
      const p1 = await h.call('GET', `/v1/audit?vf=${vf}&limit=2&order=asc`, h.admin);
      const p2 = await h.call(
        'GET',
        `/v1/audit?vf=${vf}&limit=2&order=asc&cursor=${String(p1.body.nextCursor)}`,
        h.admin,
      );
      expect((p2.body.items as Rec[]).map((r) => r.id)).toEqual(
        history.slice(2, 4).map((r) => r.id),
      );
    } finally {
      await h.close();
    }
  });

  it('records each API change once with before and after, refused writes with their code, and never a secret', async () => {
    const h = await startHarness(kind);
    try {
      const admin = await adminName(h);
      await basicCatalog(h, 2);
      const spec = (await audit(h, 'action=spec.create'))[0];
      expect(spec).toMatchObject({
        actor: { kind: 'token', name: admin, role: 'admin' },
        method: 'POST',
        path: '/v1/specs',
        before: null,
        after: { name: 'igb', numVfs: 2 },
        result: 'ok',
      });
      const id = spec?.object?.id ?? '';
      const patched = await h.call('PATCH', `/v1/specs/${id}`, h.admin, { numVfs: 3 });
      expect(patched.status).toBe(200);
      const upd = await audit(h, `object=spec:${id}&order=asc`);
      expect(upd.map((r) => r.action)).toEqual(['spec.create', 'spec.update']);
      expect(upd[1]?.before).toMatchObject({ numVfs: 2 });
      expect(upd[1]?.after).toMatchObject({ numVfs: 3 });

      // A request id the client sent is kept.
      const made = await h.app.request('/v1/tokens', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${h.admin}`,
          'content-type': 'application/json',
          'x-request-id': 'req-42',
        },
        body: JSON.stringify({ name: 'ci', role: 'tenant', tenant: 'acme' }),
      });
      expect(made.status).toBe(201);
      const secret = ((await made.json()) as { token: string }).token;
      const tok = (await audit(h, 'action=token.create'))[0];
      expect(tok).toMatchObject({
        requestId: 'req-42',
        object: { name: 'ci' },
        after: { role: 'tenant' },
      });

      // Refused: the code and status, no before or after; the spec is unchanged and unaudited.
      const bad = await h.call('PATCH', `/v1/specs/${id}`, h.admin, { numVfs: -1 });
      expect(bad.status).toBe(400);
      const refused = (await audit(h, `object=spec:${id}`))[0];
      expect(refused).toMatchObject({
        action: 'spec.update',
        result: 'INVALID_INPUT',
        status: 400,
        before: null,
        after: null,
      });
      const tenant = await h.token('tenant', { tenant: 'acme' });
      const forbidden = await h.call('GET', '/v1/audit', tenant);
      expect(forbidden.status).toBe(403);
      const denied = await h.call('DELETE', `/v1/specs/${id}`, tenant);
      expect(denied.status).toBe(403);
      expect((await audit(h, 'action=spec.delete'))[0]).toMatchObject({
        result: 'FORBIDDEN',
        actor: { role: 'tenant' },
      });

      // Signing in and out: who, never the cookie.
      const login = await h.app.request('/v1/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: secret }),
      });
      expect(login.status, await login.clone().text()).toBe(201);
      const cookie = login.headers.get('set-cookie') ?? '';
      expect((await audit(h, 'action=session.create'))[0]).toMatchObject({
        actor: { kind: 'token', name: 'ci' },
      });

      // No secret anywhere in the table: the token's, its hash, the session cookie.
      const dump = await sql<{
        t: string;
      }>`select string_agg(to_jsonb(a)::text, ' ') as t from audit_log a`.execute(h.store.db);
      const text = dump.rows[0]?.t ?? '';
      expect(text).toContain('"ci"');
      expect(text).not.toContain(secret);
      const cookieValue = /=([^;]+)/.exec(cookie)?.[1] ?? 'missing';
      expect(cookieValue.length).toBeGreaterThan(10);
      expect(text).not.toContain(cookieValue);
    } finally {
      await h.close();
    }
  });

  it('records the fleet expiring a reservation and quarantining a VF it could not reset', async () => {
    const h = await startHarness(kind, { reservationTtlMs: 60_000 });
    try {
      await basicCatalog(h, 1);
      const agent = await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 1 });
      const r = await h.call('POST', '/v1/instances', h.admin, {
        name: 'lapse',
        vcpus: 1,
        memoryMb: 64,
        tenant: 'acme',
        hostLabels: {},
        ports: [{ network: 'blue', mac: 'fa:16:3e:00:00:99' }],
      });
      expect(r.status).toBe(201);
      const vf = (r.body.ports as { pciAddress: string }[])[0]?.pciAddress ?? '';
      h.clock += 61_000;
      expect(await expireReservations(h.deps)).toEqual([r.body.id]);
      // The agent cannot reset the released VF: it is quarantined.
      await applyDesired(h, agent, 'node1', [vf]);
      const recs = await audit(h, `vf=${vf}&order=asc`);
      expect(recs.map((x) => x.action)).toEqual([
        'vf.create',
        'instance.create',
        'reservation.expire',
        'vf.quarantine',
      ]);
      expect(recs[2]).toMatchObject({
        actor: { kind: 'fleet' },
        instance: r.body.id,
        macs: ['fa:16:3e:00:00:99'],
        before: { name: 'lapse' },
        after: null,
      });
      expect(recs[3]).toMatchObject({ actor: { kind: 'fleet' }, after: { state: 'quarantined' } });
    } finally {
      await h.close();
    }
  });

  it('a VM instance deleted: who asked, then the release when its agent reports the domain gone', async () => {
    const h = await startHarness(kind);
    try {
      await basicCatalog(h, 2);
      const agent = await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 2 });
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
      expect((await h.call('DELETE', `/v1/instances/${id}`, h.admin)).status).toBe(202);
      const desired = await h.call('GET', '/v1/agent/hosts/node1/desired', agent);
      const gone = await h.call('POST', '/v1/agent/hosts/node1/applied', agent, {
        generation: Number(desired.body.generation),
        ok: true,
        failedVfs: [],
        domains: [{ instanceId: id, state: 'absent', message: null, hypervisor: 'virsh' }],
      });
      expect(gone.status, JSON.stringify(gone.body)).toBe(200);
      const deletes = await audit(h, `instance=${id}&action=instance.delete&order=asc`);
      expect(deletes).toMatchObject([
        { actor: { kind: 'token', role: 'admin' }, after: { vm: { desired: 'absent' } } },
        { actor: { kind: 'fleet' }, after: null, before: { name: 'web' } },
      ]);
      expect(deletes[1]?.vfs).toEqual(deletes[0]?.vfs);
      expect(deletes[0]?.vfs).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it('refuses bad filters naming the query field', async () => {
    const h = await startHarness(kind);
    try {
      for (const [q, field] of [
        ['vf=not-a-pci', 'query.vf'],
        ['since=yesterday', 'query.since'],
        ['until=2030-02-30T00:00:00Z', 'query.until'],
        ['mac=zz', 'query.mac'],
        ['object=planet:1', 'query.object'],
        ['order=up', 'query.order'],
        ['action=nope', 'query.action'],
        ['limit=1001', 'query.limit'],
      ]) {
        const r = await h.call('GET', `/v1/audit?${q}`, h.admin);
        expect(r.status, q).toBe(400);
        expect((r.body.details as { field: string }).field, q).toBe(field);
      }
    } finally {
      await h.close();
    }
  });
});
