import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness } from '../testing/controller-harness.js';
import { sampleDatapathReport } from '../testing/datapath-sample.js';
import { basicCatalog, joinHost, simInventory } from '../testing/fleet-sim.js';

type Role = 'admin' | 'tenant' | 'agent';
interface Endpoint {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly roles: readonly Role[];
}

let h: Harness;
const tok = {} as Record<Role | 'otherAgent' | 'otherTenant', string>;
let instanceId = '';
let networkId = '';
let portId = '';

beforeAll(async () => {
  h = await startHarness('pglite');
  await basicCatalog(h, 4);
  await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 4 });
  tok.admin = h.admin;
  tok.tenant = await h.token('tenant', { tenant: 'acme' });
  tok.otherTenant = await h.token('tenant', { tenant: 'globex' });
  tok.agent = await h.token('agent', { host: 'node1' });
  tok.otherAgent = await h.token('agent', { host: 'node2' });
  const inst = await h.call('POST', '/v1/instances', tok.tenant, {
    name: 'vm',
    vcpus: 1,
    memoryMb: 128,
    ports: [{ network: 'blue' }],
  });
  instanceId = String(inst.body.id);
  portId = String((inst.body.ports as { id: string }[])[0]?.id);
  networkId = String(
    ((await h.call('GET', '/v1/networks', tok.tenant)).body.items as { id: string }[])[0]?.id,
  );
}, 60_000);
afterAll(() => h.close());

const missing = '00000000-0000-0000-0000-000000000000';
const endpoints = (): Endpoint[] => [
  { method: 'GET', path: '/v1/events', roles: ['admin', 'tenant'] },
  { method: 'GET', path: '/v1/audit', roles: ['admin'] },
  { method: 'GET', path: '/v1/hosts', roles: ['admin'] },
  { method: 'GET', path: '/v1/capacity', roles: ['admin'] },
  { method: 'GET', path: '/v1/search?q=vm', roles: ['admin', 'tenant'] },
  { method: 'GET', path: '/v1/hosts/node1', roles: ['admin'] },
  { method: 'PATCH', path: '/v1/hosts/node1', body: { labels: { rack: 'r9' } }, roles: ['admin'] },
  // Drain, then uncordon: node1 takes instances again for the endpoints after these.
  { method: 'POST', path: '/v1/hosts/node1/cordon', body: {}, roles: ['admin'] },
  { method: 'POST', path: '/v1/hosts/node1/drain', body: {}, roles: ['admin'] },
  { method: 'GET', path: '/v1/hosts/node1/drain', roles: ['admin'] },
  { method: 'POST', path: '/v1/hosts/node1/uncordon', body: {}, roles: ['admin'] },
  {
    method: 'POST',
    path: '/v1/hosts/node1/datapath-reports',
    body: sampleDatapathReport('node1'),
    roles: ['admin', 'agent'],
  },
  { method: 'GET', path: '/v1/hosts/node1/datapath-reports', roles: ['admin', 'agent'] },
  { method: 'GET', path: '/v1/hosts/node1/datapath-reports/latest', roles: ['admin', 'agent'] },
  { method: 'GET', path: '/v1/hosts/node1/datapath-reports/1', roles: ['admin', 'agent'] },
  { method: 'GET', path: '/v1/allocation-rules', roles: ['admin'] },
  { method: 'PUT', path: '/v1/allocation-rules/p1', body: { cpuRatio: 1 }, roles: ['admin'] },
  { method: 'DELETE', path: '/v1/allocation-rules/p1', roles: ['admin'] },
  { method: 'GET', path: '/v1/rollouts', roles: ['admin'] },
  { method: 'GET', path: `/v1/rollouts/${missing}`, roles: ['admin'] },
  { method: 'POST', path: `/v1/rollouts/${missing}/pause`, body: {}, roles: ['admin'] },
  { method: 'POST', path: `/v1/rollouts/${missing}/resume`, body: {}, roles: ['admin'] },
  { method: 'POST', path: `/v1/rollouts/${missing}/abort`, body: {}, roles: ['admin'] },
  { method: 'GET', path: '/v1/specs', roles: ['admin'] },
  {
    method: 'POST',
    path: '/v1/specs',
    body: { name: 'mlx', vendor: '15b3', physnet: 'p1', numVfs: 2 },
    roles: ['admin'],
  },
  { method: 'GET', path: `/v1/specs/${missing}`, roles: ['admin'] },
  { method: 'GET', path: `/v1/specs/${missing}/rollout`, roles: ['admin'] },
  { method: 'PATCH', path: `/v1/specs/${missing}`, body: { numVfs: 2 }, roles: ['admin'] },
  { method: 'DELETE', path: `/v1/specs/${missing}`, roles: ['admin'] },
  { method: 'GET', path: '/v1/physnets', roles: ['admin', 'tenant'] },
  { method: 'POST', path: '/v1/physnets', body: { name: 'p9', vlanRanges: [] }, roles: ['admin'] },
  { method: 'GET', path: '/v1/physnets/p1', roles: ['admin', 'tenant'] },
  { method: 'PATCH', path: '/v1/physnets/nope', body: { vlanRanges: [] }, roles: ['admin'] },
  { method: 'DELETE', path: '/v1/physnets/nope', roles: ['admin'] },
  { method: 'GET', path: '/v1/networks', roles: ['admin', 'tenant'] },
  {
    method: 'POST',
    path: '/v1/networks',
    body: { name: 'red', physnet: 'p1' },
    roles: ['admin', 'tenant'],
  },
  { method: 'GET', path: `/v1/networks/${missing}`, roles: ['admin', 'tenant'] },
  {
    method: 'PATCH',
    path: `/v1/networks/${missing}`,
    body: { name: 'x' },
    roles: ['admin', 'tenant'],
  },
  { method: 'DELETE', path: `/v1/networks/${missing}`, roles: ['admin', 'tenant'] },
  {
    method: 'POST',
    path: '/v1/instances',
    body: { name: 'x', vcpus: 1, memoryMb: 1, ports: [{ network: 'nope' }] },
    roles: ['admin', 'tenant'],
  },
  { method: 'GET', path: '/v1/instances', roles: ['admin', 'tenant'] },
  { method: 'GET', path: `/v1/instances/${missing}`, roles: ['admin', 'tenant'] },
  { method: 'DELETE', path: `/v1/instances/${missing}`, roles: ['admin', 'tenant'] },
  { method: 'GET', path: `/v1/instances/${missing}/xml`, roles: ['admin', 'tenant'] },
  { method: 'GET', path: `/v1/instances/${missing}/cloud-init`, roles: ['admin', 'tenant'] },
  {
    method: 'POST',
    path: `/v1/instances/${missing}/migrate`,
    body: { host: 'node1' },
    roles: ['admin', 'tenant'],
  },
  { method: 'GET', path: `/v1/instances/${missing}/migrations`, roles: ['admin', 'tenant'] },
  { method: 'GET', path: '/v1/ports', roles: ['admin', 'tenant'] },
  { method: 'GET', path: `/v1/ports/${missing}`, roles: ['admin', 'tenant'] },
  { method: 'GET', path: '/v1/tokens', roles: ['admin'] },
  {
    method: 'POST',
    path: '/v1/tokens',
    body: { name: 'x', role: 'tenant', tenant: 'acme' },
    roles: ['admin'],
  },
  { method: 'DELETE', path: `/v1/tokens/${missing}`, roles: ['admin'] },
  { method: 'GET', path: '/v1/quotas', roles: ['admin', 'tenant'] },
  { method: 'GET', path: '/v1/quotas/acme', roles: ['admin', 'tenant'] },
  { method: 'PUT', path: '/v1/quotas/acme', body: { instances: 50 }, roles: ['admin'] },
  {
    method: 'POST',
    path: '/v1/agent/register',
    body: { host: 'node1' },
    roles: ['admin', 'agent'],
  },
  {
    method: 'POST',
    path: '/v1/agent/hosts/node1/report',
    body: { inventory: simInventory({ name: 'node1', pfs: 1, vfsPerPf: 4 }, 0x10) },
    roles: ['admin', 'agent'],
  },
  {
    method: 'POST',
    path: '/v1/agent/hosts/node1/heartbeat',
    body: { digest: 'not-held' },
    roles: ['admin', 'agent'],
  },
  { method: 'GET', path: '/v1/agent/hosts/node1/desired', roles: ['admin', 'agent'] },
  {
    method: 'POST',
    path: '/v1/agent/hosts/node1/applied',
    body: { generation: 0, ok: true },
    roles: ['admin', 'agent'],
  },
  {
    method: 'POST',
    path: `/v1/agent/hosts/node1/tasks/${missing}`,
    body: { ok: true },
    roles: ['admin', 'agent'],
  },
];

describe('authorization of every endpoint', () => {
  it.each(endpoints().map((e) => [`${e.method} ${e.path}`, e] as const))('%s', async (_name, e) => {
    expect((await h.call(e.method, e.path, null, e.body)).status).toBe(401);
    expect((await h.call(e.method, e.path, 'vfl_not-a-real-token', e.body)).status).toBe(401);
    for (const role of ['admin', 'tenant', 'agent'] as const) {
      const r = await h.call(e.method, e.path, tok[role], e.body);
      if (e.roles.includes(role))
        expect([401, 403], `${role}: ${JSON.stringify(r.body)}`).not.toContain(r.status);
      else {
        expect(r.status, `${role} must be refused`).toBe(403);
        expect(r.body.code).toBe('FORBIDDEN');
      }
    }
  });

  it('the OpenAPI document lists exactly these endpoints', async () => {
    const doc = (await h.call('GET', '/openapi.json', null)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const listed = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const tested = new Set(
      endpoints().map(
        (e) =>
          `${e.method} ${e.path
            .replace(/\/(node1|p1|nope|[0-9a-f-]{36})(?=\/|$)/, (_m, x: string) =>
              x === 'p1' || x === 'nope' ? '/{name}' : '/{id}',
            )
            .replace(/\/tasks\/[0-9a-f-]{36}$/, '/tasks/{task}')
            .replace(/\/datapath-reports\/\d+$/, '/datapath-reports/{report}')
            .replace(/^\/v1\/quotas\/acme$/, '/v1/quotas/{tenant}')
            .replace(/\?.*$/, '')}`,
      ),
    );
    // Tested in their own files: signing in needs no token (sessions/sessions.test.ts), and
    // the event stream never ends on its own (routes/event-stream.test.ts).
    const elsewhere = [
      'POST /v1/session',
      'GET /v1/session',
      'DELETE /v1/session',
      'GET /v1/events/stream',
    ];
    expect(listed.sort()).toEqual([...tested, ...elsewhere].sort());
  });
});

describe('scopes', () => {
  it('an agent reports only for its own host', async () => {
    const r = await h.call('POST', '/v1/agent/hosts/node1/applied', tok.otherAgent, {
      generation: 0,
      ok: true,
    });
    expect(r.status).toBe(403);
    expect(
      (await h.call('POST', '/v1/agent/register', tok.otherAgent, { host: 'node1' })).status,
    ).toBe(403);
    expect((await h.call('GET', '/v1/agent/hosts/node1/desired', tok.otherAgent)).status).toBe(403);
    const task = await h.call('POST', `/v1/agent/hosts/node1/tasks/${missing}`, tok.otherAgent, {
      ok: true,
    });
    expect(task.status).toBe(403);
  });

  it("a tenant neither sees nor changes another tenant's objects", async () => {
    for (const path of [
      `/v1/instances/${instanceId}`,
      `/v1/ports/${portId}`,
      `/v1/networks/${networkId}`,
    ]) {
      expect((await h.call('GET', path, tok.otherTenant)).status).toBe(404);
      expect((await h.call('GET', path, tok.tenant)).status).toBe(200);
    }
    expect((await h.call('DELETE', `/v1/instances/${instanceId}`, tok.otherTenant)).status).toBe(
      404,
    );
    for (const sub of ['xml', 'migrations', 'cloud-init'])
      expect(
        (await h.call('GET', `/v1/instances/${instanceId}/${sub}`, tok.otherTenant)).status,
      ).toBe(404);
    const migrate = await h.call(
      'POST',
      `/v1/instances/${instanceId}/migrate`,
      tok.otherTenant,
      {},
    );
    expect(migrate.status).toBe(404);
    expect((await h.call('DELETE', `/v1/networks/${networkId}`, tok.otherTenant)).status).toBe(404);
    const patch = await h.call('PATCH', `/v1/networks/${networkId}`, tok.otherTenant, {
      name: 'mine',
    });
    expect(patch.status).toBe(404);
    for (const list of ['/v1/instances', '/v1/ports', '/v1/networks']) {
      expect((await h.call('GET', list, tok.otherTenant)).body).toEqual({
        items: [],
        nextCursor: null,
      });
    }
    const foreign = await h.call('POST', '/v1/networks', tok.otherTenant, {
      name: 'x',
      physnet: 'p1',
      tenant: 'acme',
    });
    expect(foreign.status).toBe(403);
    const inst = await h.call('POST', '/v1/instances', tok.otherTenant, {
      name: 'x',
      vcpus: 1,
      memoryMb: 1,
      ports: [{ network: 'blue' }],
    });
    expect(inst.status).toBe(400);
    expect(inst.body.details).toMatchObject({ field: 'ports[0].network' });
    expect((await h.call('GET', `/v1/instances/${instanceId}`, tok.tenant)).status).toBe(200);
  });
});
