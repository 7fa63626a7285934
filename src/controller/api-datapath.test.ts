import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleDatapathReport } from '../testing/datapath-sample.js';
import { startHarness, type Harness, type Json } from '../testing/controller-harness.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';
import { DATAPATH_REPORTS_KEPT } from './hosts/record-datapath-report.js';

/** Datapath reports through the API: upload, list, latest, the bound, bad bodies and who may. */

afterAll(stopPgCluster);

const path = (host: string, rest = '') => `/v1/hosts/${host}/datapath-reports${rest}`;

async function withHosts(h: Harness) {
  const agents: Record<string, string> = {};
  for (const host of ['hv-a', 'hv-b']) {
    const agent = await h.token('agent', { host });
    const r = await h.call('POST', '/v1/agent/register', agent, { host });
    expect(r.status).toBe(200);
    agents[host] = agent;
  }
  return { agentA: agents['hv-a'] ?? '', agentB: agents['hv-b'] ?? '' };
}

// count(*) is a bigint: text on PostgreSQL, a number on PGlite.
const count = async (h: Harness, host: string) =>
  Number(
    (
      await h.store.db
        .selectFrom('datapath_reports')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('host_id', '=', host)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('datapath reports on pglite', () => {
  let h: Harness;
  let agentA = '';
  let agentB = '';
  beforeAll(async () => {
    h = await startHarness('pglite');
    ({ agentA, agentB } = await withHosts(h));
  }, 60_000);
  afterAll(() => h.close());

  it('stores an upload and answers it whole as the latest, by id and in the list', async () => {
    const none = await h.call('GET', path('hv-a', '/latest'), h.admin);
    expect(none.status).toBe(404);
    expect(String(none.body.message)).toContain('vfleet bench datapath');
    expect((await h.call('GET', path('hv-a'), h.admin)).body).toEqual({
      items: [],
      nextCursor: null,
    });

    const first = sampleDatapathReport('hv-a', { durationS: 1 });
    const up = await h.call('POST', path('hv-a'), agentA, first);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body).toMatchObject({
      host: 'hv-a',
      createdAt: '2030-01-01T00:00:00.000Z',
      kernel: first.kernel,
      emulated: true,
      measured: ['vf', 'macvtap'],
    });
    h.clock += 60_000;
    const second = sampleDatapathReport('hv-a', { durationS: 2, emulated: false, caveat: null });
    const up2 = await h.call('POST', path('hv-a'), h.admin, second);
    expect(up2.status).toBe(201);
    expect(Number(up2.body.id)).toBeGreaterThan(Number(up.body.id));

    const latest = await h.call('GET', path('hv-a', '/latest'), agentA);
    expect(latest.status).toBe(200);
    expect(latest.body).toEqual({
      id: up2.body.id,
      host: 'hv-a',
      createdAt: '2030-01-01T00:01:00.000Z',
      report: second,
    });
    const byId = await h.call('GET', path('hv-a', `/${String(up.body.id)}`), h.admin);
    expect(byId.body.report).toEqual(first);
    const list = await h.call('GET', path('hv-a'), h.admin);
    expect((list.body.items as Json[]).map((i) => [i.id, i.emulated])).toEqual([
      [up2.body.id, false],
      [up.body.id, true],
    ]);
    // Another host's reports are its own.
    expect((await h.call('GET', path('hv-b', '/latest'), h.admin)).status).toBe(404);
    expect((await h.call('GET', path('hv-b', `/${String(up.body.id)}`), h.admin)).status).toBe(404);

    const audit = await h.store.db
      .selectFrom('audit_log')
      .select(['action', 'host_id', 'token_role', 'before', 'after'])
      .where('action', '=', 'host.datapath')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => [a.host_id, a.token_role, a.before])).toEqual([
      ['hv-a', 'agent', null],
      ['hv-a', 'admin', null],
    ]);
    expect(audit[0]?.after).toMatchObject({ id: up.body.id, paths: ['vf', 'macvtap', 'vdpa'] });
  });

  it('refuses bad bodies with 400 naming the field, and stores none of them', async () => {
    const before = await count(h, 'hv-b');
    const r = sampleDatapathReport('hv-b');
    const vf = r.paths[0];
    const cases: [unknown, string][] = [
      [{ ...r, host: 'hv-a' }, 'host'],
      [{ ...r, kernel: 7 }, 'kernel'],
      [{ ...r, startedAt: '2030-13-01T00:00:00Z' }, 'startedAt'],
      [{ ...r, paths: [{ ...vf, path: 'sriov' }] }, 'paths[0].path'],
      [{ ...r, paths: [{ ...vf, points: [{ frameSize: 32 }] }] }, 'paths[0].points[0].frameSize'],
      [
        { ...r, paths: [{ ...vf, latency: [{ frameSize: 64, summary: { p50Us: -1 } }] }] },
        'paths[0].latency[0].summary.p50Us',
      ],
      [{ ...r, emulated: true, caveat: null }, 'caveat'],
      [{ ...r, paths: undefined }, 'paths'],
    ];
    for (const [body, field] of cases) {
      const res = await h.call('POST', path('hv-b'), agentB, body);
      expect([res.status, res.body.code, (res.body.details as Json).field], field).toEqual([
        400,
        'INVALID_INPUT',
        field,
      ]);
    }
    expect((await h.call('POST', path('hv-b'), agentB, '{"host":')).status).toBe(400);
    expect(await count(h, 'hv-b')).toBe(before);
  });

  it('lets the admin and the agent of the host in; another agent and tenants not', async () => {
    const tenant = await h.token('tenant', { tenant: 'acme' });
    const report = sampleDatapathReport('hv-a');
    for (const [method, p, body] of [
      ['POST', path('hv-a'), report],
      ['GET', path('hv-a'), undefined],
      ['GET', path('hv-a', '/latest'), undefined],
      ['GET', path('hv-a', '/1'), undefined],
    ] as const) {
      expect((await h.call(method, p, null, body)).status, `${method} ${p}`).toBe(401);
      for (const token of [tenant, agentB]) {
        const res = await h.call(method, p, token, body);
        expect([res.status, res.body.code], `${method} ${p}`).toEqual([403, 'FORBIDDEN']);
      }
    }
    // An agent's own host only, whatever the report says.
    const foreign = await h.call('POST', path('hv-a'), agentB, sampleDatapathReport('hv-b'));
    expect(foreign.status).toBe(403);
    // No such host: not found, for the admin too.
    const ghost = await h.call('POST', path('ghost'), h.admin, sampleDatapathReport('ghost'));
    expect([ghost.status, ghost.body.message]).toEqual([404, 'no host ghost']);
    expect((await h.call('GET', path('ghost'), h.admin)).status).toBe(404);
    expect((await h.call('GET', path('ghost', '/latest'), h.admin)).status).toBe(404);
    expect((await h.call('GET', path('hv-a', '/0'), h.admin)).status).toBe(400);
  });
});

describe.each(STORE_KINDS)('the bounded history on %s', (kind) => {
  it(`keeps the newest ${DATAPATH_REPORTS_KEPT} per host, racing uploads too, and pages them`, async () => {
    const h = await startHarness(kind);
    try {
      const { agentA, agentB } = await withHosts(h);
      const upload = async (host: string, agent: string, n: number) => {
        const r = await h.call(
          'POST',
          path(host),
          agent,
          sampleDatapathReport(host, { durationS: n }),
        );
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        return Number(r.body.id);
      };
      await upload('hv-b', agentB, 0);
      const ids = await Promise.all(
        Array.from({ length: DATAPATH_REPORTS_KEPT + 5 }, (_, n) => upload('hv-a', agentA, n)),
      );
      expect(await count(h, 'hv-a')).toBe(DATAPATH_REPORTS_KEPT);
      // The other host's report is not the first host's to trim.
      expect(await count(h, 'hv-b')).toBe(1);
      const kept = [...ids].sort((a, b) => b - a).slice(0, DATAPATH_REPORTS_KEPT);
      const seen: unknown[] = [];
      let cursor: string | null = null;
      do {
        const q: string = cursor === null ? '?limit=7' : `?limit=7&cursor=${cursor}`;
        const page = await h.call('GET', path('hv-a', q), agentA);
        expect(page.status).toBe(200);
        seen.push(...(page.body.items as Json[]).map((i) => i.id));
        cursor = page.body.nextCursor as string | null;
      } while (cursor !== null);
      expect(seen).toEqual(kept);
      const oldest = Math.min(...ids);
      expect((await h.call('GET', path('hv-a', `/${oldest}`), h.admin)).status).toBe(404);
      const latest = await h.call('GET', path('hv-a', '/latest'), h.admin);
      expect(latest.body.id).toBe(kept[0]);
    } finally {
      await h.close();
    }
  }, 60_000);
});
