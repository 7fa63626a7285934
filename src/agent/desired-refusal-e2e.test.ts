import { afterAll, describe, expect, it } from 'vitest';
import type { FetchFn } from './agent-client.js';
import { igbHost, startTestController, until } from '../testing/e2e-kit.js';
import { stopPgCluster } from '../testing/store-targets.js';

afterAll(stopPgCluster);

/**
 * The agent's fetch, with every desired state that declares a PF altered on
 * the way: a multicast MAC on its first VF, which the host layer's own state
 * check refuses but `ip` would set.
 */
const tampering: FetchFn = async (url, init) => {
  const res = await fetch(url, init);
  if (!url.includes('/desired') || !res.ok) return res;
  const body = (await res.json()) as { state: { pfs: { vfs: { mac: string }[] }[] } };
  const vf = body.state.pfs[0]?.vfs[0];
  if (vf !== undefined) vf.mac = '01:00:5e:00:00:01';
  return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
};

describe('an agent given a malformed desired state', () => {
  it('refuses it before acting: no sysfs write, no `ip` call, and the controller hears the field', async () => {
    const ctl = await startTestController('pglite');
    const h = await igbHost('hv-a', '0000:3b:00.0', 0);
    try {
      await ctl.startAgent('hv-a', h, { labels: {}, fetch: tampering });
      const { api } = ctl;
      await until('hv-a to report its PF', async () => {
        const r = await api.call('GET', '/v1/hosts/hv-a', api.admin);
        return r.status === 200 && (r.body.pfs as unknown[]).length === 1;
      });
      const post = async (path: string, body: unknown) => {
        expect((await api.call('POST', path, api.admin, body)).status).toBe(201);
      };
      await post('/v1/physnets', { name: 'p1', vlanRanges: [{ min: 100, max: 199 }] });
      await post('/v1/specs', { name: 'igb', driver: 'igb', physnet: 'p1', numVfs: 4 });

      const refused = await until('the refusal to reach the controller', async () => {
        const r = await api.call('GET', '/v1/hosts/hv-a', api.admin);
        const m = r.body.lastApplyMessage;
        return typeof m === 'string' && m.includes('refused') ? r.body : null;
      });
      expect(refused.lastApplyMessage).toContain('state.pfs[0].vfs[0].mac');
      expect(refused.ready).toBe(false);
      expect(ctl.logs.some((l) => l.startsWith('hv-a: desired state refused'))).toBe(true);
      // Nothing of that state reached the host: no VF count written, no VF set through `ip`.
      expect(h.kernel.writes().filter((w) => w.path.startsWith('/sys/'))).toEqual([]);
      const ipCalls = (await h.fixture.commands()).filter((c) => / vf \d/.test(c.argv.join(' ')));
      expect(ipCalls).toEqual([]);
    } finally {
      await ctl.close();
      await h.fixture.cleanup();
    }
  }, 120_000);
});
