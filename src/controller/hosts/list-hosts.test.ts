import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostDetailView, HostSummaryView } from '../../api/answers.js';
import { HOST_SORTS } from '../../core/fleet/host-query.js';
import { HOST_HEALTHS } from '../../core/fleet/model.js';
import { startHarness } from '../../testing/controller-harness.js';
import type { Harness } from '../../testing/controller-harness.js';
import { startQueryFleet } from '../../testing/query-fleet.js';
import { STORE_KINDS, stopPgCluster } from '../../testing/store-targets.js';

afterAll(stopPgCluster);

describe.each(STORE_KINDS)('GET /v1/hosts on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
    await startQueryFleet(h);
  }, 120_000);
  afterAll(() => h.close());

  /** Every page of a query, following nextCursor; each page must be full but the last. */
  async function walk(query: string, limit: number): Promise<HostSummaryView[]> {
    const out: HostSummaryView[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const c: string = cursor === null ? '' : `&cursor=${cursor}`;
      const r = await h.call('GET', `/v1/hosts?limit=${limit}${query}${c}`, h.admin);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const items = r.body.items as HostSummaryView[];
      cursor = r.body.nextCursor as string | null;
      if (cursor !== null) expect(items.length, 'a page before the last is full').toBe(limit);
      out.push(...items);
      if (cursor === null) return out;
    }
    throw new Error('the walk did not end');
  }
  const all = () => walk('', 1000);
  const ids = (hs: readonly { id: string }[]) => hs.map((x) => x.id);

  it("counts each host's PFs, VFs by state and problem findings as its host map shows them", async () => {
    const hosts = await all();
    expect(ids(hosts)).toEqual(['hv-a', 'hv-b', 'hv-c', 'hv-d', 'hv-e']);
    for (const s of hosts) {
      const d = (await h.call('GET', `/v1/hosts/${s.id}`, h.admin)).body as HostDetailView;
      const vfs = d.pfs.flatMap((pf) => pf.vfs);
      const n = (p: (v: (typeof vfs)[number]) => boolean) => vfs.filter(p).length;
      expect(s.pfCount, s.id).toBe(d.pfs.length);
      expect(s.vfCounts, s.id).toEqual({
        total: vfs.length,
        free: n((v) => v.state === 'free' && !v.dirty),
        reserved: n((v) => v.state === 'reserved'),
        allocated: n((v) => v.state === 'allocated'),
        quarantined: n((v) => v.state === 'quarantined'),
        dirty: n((v) => v.state === 'free' && v.dirty),
      });
      const problems = (d.findings as { severity: string }[]).filter((f) =>
        ['error', 'warning'].includes(f.severity),
      );
      expect(s.findingCount, s.id).toBe(problems.length);
      // The summary is the host as the other routes show it, plus the counts.
      const without = (o: object, keys: string[]) =>
        Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
      const host = without(s, ['pfCount', 'vfCounts', 'findingCount']);
      const detailHost = without(d, [
        'pfs',
        'findings',
        'irqPins',
        'hypervisor',
        'allocation',
        'drain',
      ]);
      expect(host).toEqual(detailHost);
    }
    // The fleet holds every bucket the counts tell apart.
    const hvB = hosts.find((x) => x.id === 'hv-b');
    expect(hvB?.vfCounts).toEqual({
      total: 4,
      free: 1,
      reserved: 1,
      allocated: 1,
      quarantined: 0,
      dirty: 1,
    });
    expect(hosts.find((x) => x.id === 'hv-c')?.findingCount).toBe(2);
  });

  it('keeps exactly the hosts each filter names, with full pages', async () => {
    const hosts = await all();
    for (const health of HOST_HEALTHS) {
      const want = ids(hosts.filter((x) => x.health === health));
      expect(want.length, `the fleet has a ${health} host`).toBeGreaterThan(0);
      expect(ids(await walk(`&health=${health}`, 1)), health).toEqual(want);
    }
    for (const ready of [true, false]) {
      const want = ids(hosts.filter((x) => x.ready === ready));
      expect(want.length).toBeGreaterThan(0);
      expect(ids(await walk(`&ready=${String(ready)}`, 1))).toEqual(want);
    }
    expect(ids(await walk('&q=HV-', 2))).toEqual(ids(hosts));
    expect(ids(await walk('&q=%20b%20', 2))).toEqual(['hv-b']);
    expect(ids(await walk('&q=nothing', 2))).toEqual([]);
    expect(ids(await walk('&label=rack=r1&sort=-id', 1))).toEqual(['hv-c', 'hv-a']);
    expect(ids(await walk('&health=healthy&ready=false', 1))).toEqual(['hv-e']);
    expect(ids(await walk('&health=healthy&ready=true&q=b', 1))).toEqual(['hv-b']);
  });

  it('walks every sort, at any page size, seeing each host once in order', async () => {
    const hosts = await all();
    const byId = (a: HostSummaryView, b: HostSummaryView) => (a.id < b.id ? -1 : 1);
    const bySeen = (a: HostSummaryView, b: HostSummaryView) =>
      (a.lastSeen ?? '') < (b.lastSeen ?? '')
        ? -1
        : (a.lastSeen ?? '') > (b.lastSeen ?? '')
          ? 1
          : byId(a, b);
    // Four hosts share one lastSeen: the id breaks the tie, in the sort's direction.
    expect(new Set(hosts.map((x) => x.lastSeen)).size).toBeLessThan(hosts.length);
    for (const sort of HOST_SORTS) {
      const cmp = sort.endsWith('lastSeen') ? bySeen : byId;
      const want = ids([...hosts].sort((a, b) => (sort.startsWith('-') ? cmp(b, a) : cmp(a, b))));
      for (const limit of [1, 2, 3])
        expect(ids(await walk(`&sort=${sort}`, limit)), `${sort} by ${limit}`).toEqual(want);
    }
  });

  it('refuses a cursor of another sort or filter, naming query.cursor', async () => {
    const first = async (query: string) => {
      const r = await h.call('GET', `/v1/hosts?limit=1${query}`, h.admin);
      return String(r.body.nextCursor);
    };
    const refused = async (query: string) => {
      const r = await h.call('GET', `/v1/hosts?limit=1${query}`, h.admin);
      expect(r.status, query).toBe(400);
      expect(r.body.code).toBe('INVALID_INPUT');
      expect((r.body.details as { field?: string }).field).toBe('query.cursor');
    };
    const seen = await first('&sort=lastSeen');
    await refused(`&cursor=${seen}`);
    await refused(`&sort=-lastSeen&cursor=${seen}`);
    const plain = await first('');
    await refused(`&sort=-id&cursor=${plain}`);
    await refused(`&q=hv&cursor=${plain}`);
    const healthy = await first('&health=healthy');
    await refused(`&health=stale&cursor=${healthy}`);
    await refused(`&cursor=${healthy}`);
    const ready = await first('&ready=true&q=hv');
    await refused(`&ready=false&q=hv&cursor=${ready}`);
    // Forged keys never reach the database: a date that is none, a NUL, a lone surrogate.
    const forge = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');
    await refused(
      `&sort=lastSeen&cursor=${forge(['hosts?sort=lastSeen', '2030-02-30 00:00:00+00', 'hv-a'])}`,
    );
    await refused(
      `&sort=lastSeen&cursor=${forge(['hosts?sort=lastSeen', '2030-01-01 25:00:00+00', 'hv-a'])}`,
    );
    await refused(`&cursor=${forge(['hosts', 'hv-\u0000'])}`);
    await refused(`&cursor=${forge(['hosts', 'hv-\ud800'])}`);
    // The same sort and filters continue; the text's case is no other filter.
    const again = await h.call('GET', `/v1/hosts?ready=true&q=HV&cursor=${ready}`, h.admin);
    expect(again.status).toBe(200);
    const r = await h.call('GET', `/v1/hosts?sort=lastSeen&limit=1&cursor=${seen}`, h.admin);
    expect(r.status).toBe(200);
  });

  it('refuses a bad filter or sort, naming it', async () => {
    for (const [query, field] of [
      ['health=sick', 'query.health'],
      ['ready=yes', 'query.ready'],
      ['sort=name', 'query.sort'],
      ['q=', 'query.q'],
      [`q=${'x'.repeat(201)}`, 'query.q'],
    ] as const) {
      const r = await h.call('GET', `/v1/hosts?${query}`, h.admin);
      expect(r.status, query).toBe(400);
      expect((r.body.details as { field?: string }).field, query).toBe(field);
    }
  });
});
