import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness } from '../testing/controller-harness.js';
import { applyDesired, basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';
import { purgeHistory } from './purge-history.js';

afterAll(stopPgCluster);

interface Ev {
  id: number;
  at: string;
  kind: string;
  host: string | null;
  tenant: string | null;
  subject: string | null;
  message: string;
  data: Record<string, unknown>;
}

/**
 * GET /v1/events on both stores: what a host joining, a spec applied, an
 * instance's VF configured and reset, and a refused request leave behind;
 * filters, pages, tenant scoping and the long poll.
 */
describe.each(STORE_KINDS)('events on %s', (kind) => {
  let h: Harness;
  let agent: string;
  let acme: string;
  const events = async (query = '', token = h.admin) => {
    const r = await h.call('GET', `/v1/events${query}`, token);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as unknown as { items: Ev[]; nextCursor: string | null };
  };
  const kinds = (items: Ev[]) => items.map((e) => e.kind);

  beforeAll(async () => {
    h = await startHarness(kind);
    await basicCatalog(h, 4);
    agent = await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 4 });
    acme = await h.token('tenant', { tenant: 'acme' });
    const inst = await h.call('POST', '/v1/instances', acme, {
      name: 'web',
      vcpus: 1,
      memoryMb: 64,
      ports: [{ network: 'blue', mac: 'fa:16:3e:00:00:07' }],
    });
    expect(inst.status).toBe(201);
    await applyDesired(h, agent, 'node1');
    expect((await h.call('DELETE', `/v1/instances/${String(inst.body.id)}`, acme)).status).toBe(
      204,
    );
    await applyDesired(h, agent, 'node1');
  }, 60_000);
  afterAll(() => h.close());

  it('records what the fleet did, oldest first, each with a true message', async () => {
    const { items } = await events();
    expect(kinds(items)).toEqual([
      'network-created',
      'host-joined',
      'spec-applied',
      'instance-created',
      'vf-configured',
      'instance-deleted',
      'vf-reset',
    ]);
    const [network, joined, applied, created, configured, deleted, reset] = items;
    expect(network).toMatchObject({ host: null, tenant: 'acme', subject: 'blue' });
    expect(network?.message).toBe('network blue (tenant acme) created: physnet p1, VLAN 100');
    expect(joined?.message).toBe('host node1 joined: 1 SR-IOV PF(s), 4 VF(s), healthy');
    expect(applied?.message).toBe('host node1 matches its specs: ens16 4 VFs (igb)');
    expect(applied?.data.pfs).toEqual([
      { pf: 'ens16', pciAddress: '0000:10:00.0', spec: 'igb', numVfs: 4 },
    ]);
    expect(created).toMatchObject({ host: 'node1', tenant: 'acme', subject: 'web' });
    expect(configured).toMatchObject({ host: 'node1', tenant: 'acme', subject: 'web' });
    expect(configured?.message).toBe(
      'ens16 VF 0 (0000:10:10.0) set to MAC fa:16:3e:00:00:07 VLAN 100 for instance web on network blue',
    );
    expect(configured?.data).toMatchObject({ mac: 'fa:16:3e:00:00:07', vlan: 100, vf: 0 });
    expect(deleted?.message).toBe(
      'instance web (tenant acme) deleted; its VFs are released for reset',
    );
    expect(reset?.message).toBe('ens16 VF 0 (0000:10:10.0) reset after release; offered again');
    // Ids grow with time.
    const ids = items.map((e) => e.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('filters by kind, host and since (an id or a time), pages with a cursor, and tails with last', async () => {
    expect(kinds((await events('?kind=vf-reset')).items)).toEqual(['vf-reset']);
    expect((await events('?host=node2')).items).toEqual([]);
    const all = (await events()).items;
    const third = all[2];
    expect(kinds((await events(`?since=${String(third?.id)}`)).items)).toEqual(kinds(all.slice(3)));
    expect((await events(`?since=${encodeURIComponent('2031-01-01T00:00:00Z')}`)).items).toEqual(
      [],
    );
    const p1 = await events('?limit=4');
    expect(p1.items).toHaveLength(4);
    expect(p1.nextCursor).not.toBeNull();
    const p2 = await events(`?limit=4&cursor=${String(p1.nextCursor)}`);
    expect(kinds([...p1.items, ...p2.items])).toEqual(kinds(all));
    expect(kinds((await events('?last=2')).items)).toEqual(['instance-deleted', 'vf-reset']);
    // Past every event, or before any: an empty page, never a database error.
    expect((await events('?since=999999999999999')).items).toEqual([]);
    expect((await events('?since=0000-01-01T00:00:00Z')).items).toHaveLength(all.length);
    const big = Buffer.from(JSON.stringify(['events', 2 ** 40])).toString('base64url');
    expect((await events(`?cursor=${big}`)).items).toEqual([]);
    const bad = await h.call('GET', '/v1/events?since=yesterday', h.admin);
    expect(bad.status).toBe(400);
    expect(bad.body.details).toMatchObject({ field: 'query.since' });
    const badKind = await h.call('GET', '/v1/events?kind=exploded', h.admin);
    expect(badKind.status).toBe(400);
  });

  it("a tenant token sees its tenant's events only; an agent token is refused", async () => {
    expect(kinds((await events('', acme)).items)).toEqual([
      'network-created',
      'instance-created',
      'vf-configured',
      'instance-deleted',
    ]);
    const other = await h.token('tenant', { tenant: 'other' });
    expect((await events('', other)).items).toEqual([]);
    expect((await h.call('GET', '/v1/events', agent)).status).toBe(403);
  });

  it('records a refused write with its code, field and token (never the secret), bounded per minute', async () => {
    const before = (await events('?last=1')).items[0]?.id ?? 0;
    const r = await h.call('POST', '/v1/networks', acme, {
      name: 'red',
      physnet: 'p1',
      vlan: 999,
    });
    expect(r.status).toBe(400);
    const { items } = await events(`?since=${String(before)}&kind=refused`);
    expect(items).toHaveLength(1);
    const e = items[0];
    expect(e?.tenant).toBe('acme');
    expect(e?.subject).toBe('POST /v1/networks');
    expect(e?.message).toBe(
      'POST /v1/networks refused 400 INVALID_INPUT: VLAN 999 is outside the ranges of physnet p1 (100-199)',
    );
    expect(e?.data).toMatchObject({
      status: 400,
      code: 'INVALID_INPUT',
      field: 'vlan',
      token: { role: 'tenant' },
    });
    expect(JSON.stringify(e)).not.toContain(acme);
    // A read refused is not recorded; neither is a flood past the bound.
    await h.call('GET', '/v1/instances/nope', acme);
    for (let i = 0; i < 70; i++) await h.call('DELETE', '/v1/instances/nope', acme);
    const flood = await events(`?since=${String(e?.id)}&kind=refused&limit=1000`);
    expect(flood.items.length).toBe(59);
    h.clock += 61_000;
    await h.call('DELETE', '/v1/instances/nope', acme);
    const next = (await events('?kind=refused&last=1')).items[0];
    expect(next?.message).toContain('(and 11 earlier refusal(s) not recorded)');
    expect(next?.data.notRecorded).toBe(11);
  });

  it('text the database would refuse (NUL, a lone surrogate) is stored escaped, never lost', async () => {
    const [e] = await h.store.events.record(
      [
        {
          kind: 'refused',
          host: null,
          tenant: 'nobody',
          subject: 'a\u0000b',
          message: 'bad \u0000 key \ud800',
          data: { field: 'x\u0000\udc00' },
        },
      ],
      new Date(h.clock).toISOString(),
    );
    expect(e).toMatchObject({
      subject: 'a\\0b',
      message: 'bad \\0 key \ufffd',
      data: { field: 'x\\0\ufffd' },
    });
  });

  it('?wait long-polls: answers as soon as a new event is recorded, or empty when the wait is up', async () => {
    const last = (await events('?last=1')).items[0]?.id ?? 0;
    const t0 = Date.now();
    const empty = await events(`?since=${String(last)}&wait=1`);
    expect(empty.items).toEqual([]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    const waiting = events(`?since=${String(last)}&wait=30&kind=refused`);
    await new Promise((r) => setTimeout(r, 200));
    const t1 = Date.now();
    await h.call('POST', '/v1/networks', acme, { name: 'bad name!', physnet: 'p1' });
    const woke = await waiting;
    expect(Date.now() - t1).toBeLessThan(5_000);
    expect(kinds(woke.items)).toEqual(['refused']);
    expect(woke.items[0]?.data).toMatchObject({ field: 'name' });
  });

  it('host labels and network changes are events; a tenant sees its networks', async () => {
    const last = (await events('?last=1')).items[0]?.id ?? 0;
    const labelled = await h.call('PATCH', '/v1/hosts/node1', h.admin, {
      labels: { rack: 'r1', zone: 'a' },
    });
    expect(labelled.status).toBe(200);
    expect((await h.call('PATCH', '/v1/hosts/nowhere', h.admin, { labels: {} })).status).toBe(404);
    const made = await h.call('POST', '/v1/networks', acme, { name: 'green', physnet: 'p1' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const id = String(made.body.id);
    expect((await h.call('PATCH', `/v1/networks/${id}`, acme, { name: 'teal' })).status).toBe(200);
    expect((await h.call('DELETE', `/v1/networks/${id}`, acme)).status).toBe(204);
    // The 404 is a `refused` event, not a label.
    const items = (await events(`?since=${String(last)}`)).items.filter(
      (e) => e.kind !== 'refused',
    );
    expect(items.map((e) => `${e.kind}: ${e.message}`)).toEqual([
      'host-labelled: host node1 labels: rack=r1, zone=a',
      `network-created: network green (tenant acme) created: physnet p1, VLAN ${String(made.body.vlan)}`,
      `network-updated: network teal (tenant acme) updated: physnet p1, VLAN ${String(made.body.vlan)}`,
      'network-deleted: network teal (tenant acme) deleted',
    ]);
    expect(items[0]).toMatchObject({
      host: 'node1',
      tenant: null,
      data: { labels: { rack: 'r1', zone: 'a' } },
    });
    expect(items[3]).toMatchObject({ tenant: 'acme', subject: 'teal', data: { network: id } });
    // The tenant sees its network's events, not the host's.
    expect(kinds((await events(`?since=${String(last)}`, acme)).items)).toEqual([
      'network-created',
      'network-updated',
      'network-deleted',
    ]);
  });

  it('the sweep purges events past their age, and the oldest beyond the row bound', async () => {
    const n = (await events('?limit=1000')).items.length;
    expect(n).toBeGreaterThan(10);
    const keep = { ...h.deps, config: { ...h.deps.config, eventMaxRows: 5 } };
    expect((await purgeHistory(keep)).events).toBe(n - 5);
    expect((await events()).items).toHaveLength(5);
    const later = { ...h.deps, now: () => h.clock + h.deps.config.eventRetentionMs + 1 };
    expect((await purgeHistory(later)).events).toBe(5);
    expect((await events()).items).toEqual([]);
  });
});
