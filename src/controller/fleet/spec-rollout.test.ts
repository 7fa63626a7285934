import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostDetailView, SpecRolloutView } from '../../api/answers.js';
import { hostProgress, rolloutLine } from '../../cli/wait-hosts.js';
import { startHarness } from '../../testing/controller-harness.js';
import type { Harness, Json } from '../../testing/controller-harness.js';
import { basicCatalog, joinHost, reportHost } from '../../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../../testing/store-targets.js';

afterAll(stopPgCluster);

describe.each(STORE_KINDS)('GET /v1/specs/{id}/rollout on %s', (kind) => {
  let h: Harness;
  let spec = '';
  beforeAll(async () => {
    h = await startHarness(kind);
    await basicCatalog(h, 4);
    spec = String(((await h.call('GET', '/v1/specs', h.admin)).body.items as Json[])[0]?.id);
    // hv-1 made its VFs and applied; hv-2 reported none yet; hv-3's apply failed; hv-4 has no PF.
    await joinHost(h, { name: 'hv-1', pfs: 2, vfsPerPf: 4 });
    const two = await h.token('agent', { host: 'hv-2' });
    await h.call('POST', '/v1/agent/register', two, { host: 'hv-2' });
    await reportHost(h, two, { name: 'hv-2', pfs: 1, vfsPerPf: 0 });
    const three = await h.token('agent', { host: 'hv-3' });
    await h.call('POST', '/v1/agent/register', three, { host: 'hv-3' });
    await reportHost(h, three, { name: 'hv-3', pfs: 1, vfsPerPf: 4 });
    const d = await h.call('GET', '/v1/agent/hosts/hv-3/desired', three);
    const failed = await h.call('POST', '/v1/agent/hosts/hv-3/applied', three, {
      generation: d.body.generation,
      ok: false,
      failedVfs: [],
      message: 'sriov_numvfs: device busy',
    });
    expect(failed.status, JSON.stringify(failed.body)).toBe(200);
    const four = await h.token('agent', { host: 'hv-4' });
    await h.call('POST', '/v1/agent/register', four, { host: 'hv-4' });
  }, 120_000);
  afterAll(() => h.close());

  const rollout = async (query = '') => {
    const r = await h.call('GET', `/v1/specs/${spec}/rollout${query}`, h.admin);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as unknown as SpecRolloutView;
  };

  it("counts what each host's map shows, the hosts not done first", async () => {
    const r = await rollout();
    expect(r).toMatchObject({ spec, hosts: 3, done: 1 });
    expect(r.first.map((x) => [x.host, x.done])).toEqual([
      ['hv-2', false],
      ['hv-3', false],
      ['hv-1', true],
    ]);
    for (const x of r.first) {
      const map = (await h.call('GET', `/v1/hosts/${x.host}`, h.admin)).body;
      const p = hostProgress(map as unknown as HostDetailView, spec);
      expect(x.done, x.host).toBe(p.done);
      expect(x.pfs, x.host).toBe(p.pfs);
      // The map's line, and the failure's reason where the apply failed.
      expect(rolloutLine(x), x.host).toBe(
        x.host === 'hv-3' ? `${p.line}, last apply: sriov_numvfs: device busy` : p.line,
      );
    }
    const first = r.first[0];
    if (first === undefined) throw new Error('no host listed');
    expect(rolloutLine(first)).toMatch(/^hv-2: 0\/4 VFs, agent applying/);
  });

  it('lists only `limit` hosts, counting all', async () => {
    const r = await rollout('?limit=1');
    expect(r).toMatchObject({ hosts: 3, done: 1 });
    expect(r.first.map((x) => x.host)).toEqual(['hv-2']);
  });

  it('names an unknown spec NOT_FOUND and a bad limit by its field', async () => {
    expect((await h.call('GET', '/v1/specs/nope/rollout', h.admin)).status).toBe(404);
    const bad = await h.call('GET', `/v1/specs/${spec}/rollout?limit=0`, h.admin);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('limit');
    const tenant = await h.token('tenant', { tenant: 'acme' });
    expect((await h.call('GET', `/v1/specs/${spec}/rollout`, tenant)).status).toBe(403);
  });
});
