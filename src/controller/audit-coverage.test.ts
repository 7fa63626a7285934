import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type Json } from '../testing/controller-harness.js';
import { sampleDatapathReport } from '../testing/datapath-sample.js';
import { basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';
import { AUDITED_ROUTES } from './audit.js';

afterAll(stopPgCluster);

const WRITES = ['post', 'put', 'patch', 'delete'];

interface Row {
  action: string;
  result: string;
  before: unknown;
  after: unknown;
}

const rows = async (h: Harness): Promise<Row[]> =>
  await h.store.db
    .selectFrom('audit_log')
    .select(['action', 'result', 'before', 'after'])
    .orderBy('id')
    .execute();

describe('audit coverage', () => {
  it('maps every mutating operation of /openapi.json to an audit action, and no other', async () => {
    const h = await startHarness('pglite');
    try {
      const doc = (await (await h.app.request('/openapi.json')).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const writes = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((m) => WRITES.includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      );
      expect(writes.length).toBeGreaterThan(20);
      expect(writes.filter((w) => !(w in AUDITED_ROUTES))).toEqual([]);
      expect(Object.keys(AUDITED_ROUTES).filter((k) => !writes.includes(k))).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe.each(STORE_KINDS)('each API write on %s', (kind) => {
  it('records exactly one audit record, with the object before and after', async () => {
    const h = await startHarness(kind);
    try {
      await basicCatalog(h, 2);
      await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 2 });
      const specs = (await h.call('GET', '/v1/specs', h.admin)).body.items as Json[];
      const spec = String(specs[0]?.id);
      const net = (await h.store.catalog.networkByName('acme', 'blue'))?.id ?? '';
      let instance = '';
      let token = '';
      type Step = [string, string, () => string, unknown, 'create' | 'update' | 'delete'];
      const steps: Step[] = [
        ['spec.update', 'PATCH', () => `/v1/specs/${spec}`, { trusted: true }, 'update'],
        [
          'physnet.create',
          'POST',
          () => '/v1/physnets',
          { name: 'p2', vlanRanges: [{ min: 5, max: 9 }] },
          'create',
        ],
        [
          'physnet.update',
          'PATCH',
          () => '/v1/physnets/p2',
          { vlanRanges: [{ min: 5, max: 10 }] },
          'update',
        ],
        [
          'network.create',
          'POST',
          () => '/v1/networks',
          { name: 'green', physnet: 'p2', tenant: 'acme' },
          'create',
        ],
        ['network.update', 'PATCH', () => `/v1/networks/${net}`, { name: 'teal' }, 'update'],
        ['token.create', 'POST', () => '/v1/tokens', { name: 'ops', role: 'admin' }, 'create'],
        ['token.revoke', 'DELETE', () => `/v1/tokens/${token}`, undefined, 'delete'],
        ['quota.set', 'PUT', () => '/v1/quotas/acme', { instances: 5 }, 'update'],
        ['host.label', 'PATCH', () => '/v1/hosts/node1', { labels: { rack: 'r1' } }, 'update'],
        ['host.cordon', 'POST', () => '/v1/hosts/node1/cordon', { reason: 'audit' }, 'update'],
        ['host.uncordon', 'POST', () => '/v1/hosts/node1/uncordon', {}, 'update'],
        ['host.drain', 'POST', () => '/v1/hosts/node1/drain', {}, 'update'],
        ['host.uncordon', 'POST', () => '/v1/hosts/node1/uncordon', {}, 'update'],
        [
          'host.datapath',
          'POST',
          () => '/v1/hosts/node1/datapath-reports',
          sampleDatapathReport('node1'),
          'create',
        ],
        ['allocation.set', 'PUT', () => '/v1/allocation-rules/all', { cpuRatio: 2 }, 'create'],
        ['allocation.delete', 'DELETE', () => '/v1/allocation-rules/all', undefined, 'delete'],
        [
          'instance.create',
          'POST',
          () => '/v1/instances',
          {
            name: 'vm',
            vcpus: 1,
            memoryMb: 64,
            tenant: 'acme',
            hostLabels: {},
            ports: [{ network: 'teal' }],
          },
          'create',
        ],
        ['instance.delete', 'DELETE', () => `/v1/instances/${instance}`, undefined, 'delete'],
        ['network.delete', 'DELETE', () => `/v1/networks/${net}`, undefined, 'delete'],
        ['spec.delete', 'DELETE', () => `/v1/specs/${spec}`, undefined, 'delete'],
        ['physnet.delete', 'DELETE', () => '/v1/physnets/p2', undefined, 'delete'],
      ];
      for (const [action, method, path, body, shape] of steps) {
        if (action === 'network.delete') {
          // The green network holds p2; it goes first, with its own record.
          const green = (await h.store.catalog.networkByName('acme', 'green'))?.id ?? '';
          expect((await h.call('DELETE', `/v1/networks/${green}`, h.admin)).status).toBe(204);
        }
        const seen = (await rows(h)).length;
        const r = await h.call(method, path(), h.admin, body);
        expect(r.status, `${method} ${path()}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
        if (action === 'token.create') token = String(r.body.id);
        if (action === 'instance.create') instance = String(r.body.id);
        const added = (await rows(h)).slice(seen);
        expect(
          added.map((a) => a.action),
          action,
        ).toEqual([action]);
        const [rec] = added;
        expect(rec?.result).toBe('ok');
        expect(rec?.before === null, `${action} before`).toBe(shape === 'create');
        expect(rec?.after === null, `${action} after`).toBe(shape === 'delete');
      }
      const update = (await rows(h)).find((a) => a.action === 'spec.update');
      expect(update?.before).toMatchObject({ trusted: false });
      expect(update?.after).toMatchObject({ trusted: true });
    } finally {
      await h.close();
    }
  });

  it('a write that rolls back leaves no record of a change; one whose record cannot be kept changes nothing', async () => {
    const h = await startHarness(kind);
    try {
      await basicCatalog(h, 2);
      await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 2 });
      const fail = async (table: string) => {
        await sql`create or replace function injected_failure() returns trigger language plpgsql as $$
          begin raise exception 'injected failure on %', tg_table_name; end $$`.execute(h.store.db);
        await sql`create trigger injected_failure before insert or update on ${sql.table(table)}
          for each row execute function injected_failure()`.execute(h.store.db);
      };
      const heal = (table: string) =>
        sql`drop trigger injected_failure on ${sql.table(table)}`.execute(h.store.db);

      // The re-tag of the host (the spec's last part) fails: the refusal is recorded, no change.
      // The PF's spec goes first: a re-tag writes only tags that move, and a second spec
      // on a governed PF moves none.
      const specs = (await h.call('GET', '/v1/specs', h.admin)).body.items as { id: string }[];
      for (const s of specs)
        expect((await h.call('DELETE', `/v1/specs/${s.id}`, h.admin)).status).toBe(204);
      await fail('pfs');
      const seen = (await rows(h)).length;
      const spec = { name: 'igb2', driver: 'igb', physnet: 'p1', numVfs: 2 };
      expect((await h.call('POST', '/v1/specs', h.admin, spec)).status).toBe(500);
      expect((await rows(h)).slice(seen)).toEqual([
        { action: 'spec.create', result: 'INTERNAL', before: null, after: null },
      ]);
      await heal('pfs');

      // The audit row itself cannot be written: the change goes with it.
      await fail('audit_log');
      const physnet = { name: 'p9', vlanRanges: [{ min: 1, max: 2 }] };
      expect((await h.call('POST', '/v1/physnets', h.admin, physnet)).status).toBe(500);
      expect(
        (await h.call('PATCH', '/v1/hosts/node1', h.admin, { labels: { a: 'b' } })).status,
      ).toBe(500);
      await heal('audit_log');
      expect((await h.call('GET', '/v1/physnets/p9', h.admin)).status).toBe(404);
      expect((await h.store.hosts.get('node1'))?.labels).toEqual({});
    } finally {
      await h.close();
    }
  });
});
