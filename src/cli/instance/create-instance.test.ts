import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliController, type CliController } from '../../testing/cli-controller.js';
import { fleetCli } from '../../testing/fleet-cli.js';
import { basicCatalog, joinHost } from '../../testing/fleet-sim.js';
import { httpFleet } from '../../testing/http-fleet.js';

/**
 * `vfleet instance create` whose first request is done by the controller
 * but whose answer never arrives (the connection is cut): it asks again
 * with the same Idempotency-Key and gets the instance the first one created.
 */
let c: CliController;
const sent: { key: string | null; cut: boolean }[] = [];
let cutNext = 0;

beforeAll(async () => {
  c = await startCliController();
}, 60_000);

afterAll(() => c.close());

/** The CLI with a fetch that loses the answers of the next `cutNext` instance creations. */
const cli = (...argv: string[]) => {
  const real = c.env.fleet.fetch;
  const fetch = async (u: string, init: RequestInit) => {
    const res = await real(u, init);
    if (init.method === 'POST' && u.endsWith('/v1/instances')) {
      const key = new Headers(init.headers).get('idempotency-key');
      const cut = cutNext > 0;
      sent.push({ key, cut });
      if (cut) {
        cutNext--;
        throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      }
    }
    return res;
  };
  return fleetCli([...argv, '--controller', c.url], { ...c.env, fleet: { ...c.env.fleet, fetch } });
};

describe('vfleet instance create over a connection that drops', () => {
  it('retries with the same Idempotency-Key and creates one instance; each invocation has its own key', async () => {
    const admin = await c.admin();
    const api = httpFleet(c.url, admin);
    await basicCatalog(api);
    await joinHost(api, { name: 'node0', pfs: 1, vfsPerPf: 4 });
    const create = (name: string) =>
      cli(
        'instance',
        'create',
        name,
        '--vcpus',
        '1',
        '--memory-mb',
        '64',
        '--tenant',
        'acme',
        '--port',
        'blue',
        '-o',
        'json',
      );

    cutNext = 2;
    const r = await create('vm1');
    expect(r.stderr).toBe(
      'vfleet: no answer from the controller; trying again (same Idempotency-Key)\n'.repeat(2),
    );
    expect(r.exitCode).toBe(0);
    const made = JSON.parse(r.stdout) as { id: string; name: string };
    expect(made.name).toBe('vm1');
    expect(sent.map((s) => s.cut)).toEqual([true, true, false]);
    const key = sent[0]?.key ?? '';
    expect(key).toMatch(/^\S{8,}$/);
    expect(sent.map((s) => s.key)).toEqual([key, key, key]);
    const all = (
      (await api.call('GET', '/v1/instances', admin)).body as unknown as { items: { id: string }[] }
    ).items;
    expect(all.map((i) => i.id)).toEqual([made.id]);

    // Another invocation, another key; three cut answers in a row are an error.
    cutNext = 3;
    const lost = await create('vm2');
    expect(lost.exitCode).toBe(13);
    expect(lost.stderr).toContain('cannot reach the controller');
    const keys = sent.slice(3).map((s) => s.key);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).not.toBe(key);
  }, 60_000);
});
