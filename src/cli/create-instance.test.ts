import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetTestEnv, RunningCli } from '../testing/fleet-cli.js';
import { fleetCli, fleetTestEnv, launchCli } from '../testing/fleet-cli.js';
import { basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { httpFleet } from '../testing/http-fleet.js';

/**
 * `vfleet instance create` whose first request is done by the controller
 * but whose answer never arrives (the connection is cut): it asks again
 * with the same Idempotency-Key and gets the instance the first one created.
 */
let env: FleetTestEnv;
let ctl: RunningCli;
let url: string;
const sent: { key: string | null; cut: boolean }[] = [];
let cutNext = 0;

beforeAll(async () => {
  env = await fleetTestEnv();
  ctl = launchCli(['controller', '--listen', '127.0.0.1:0'], env);
  url = (await ctl.waitFor(/controller: (http:\/\/127\.0\.0\.1:\d+)/))[1] ?? '';
}, 60_000);

afterAll(async () => {
  env.stop();
  await ctl.done;
  await env.cleanup();
});

/** The CLI with a fetch that loses the answers of the next `cutNext` instance creations. */
const cli = (...argv: string[]) => {
  const real = env.fleet.fetch;
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
  return fleetCli([...argv, '--controller', url], { ...env, fleet: { ...env.fleet, fetch } });
};

describe('vfleet instance create over a connection that drops', () => {
  it('retries with the same Idempotency-Key and creates one instance; each invocation has its own key', async () => {
    const admin = (await readFile(join(env.dataDir, 'admin-token'), 'utf8')).trim();
    const api = httpFleet(url, admin);
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
