import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortView } from '../api/answers.js';
import { errorCodeInfo } from '../core/errors.js';
import { appFleetEnv } from '../testing/app-fleet-env.js';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness } from '../testing/controller-harness.js';
import { fleetCli } from '../testing/fleet-cli.js';
import type { FleetTestEnv } from '../testing/fleet-cli.js';
import { startQueryFleet } from '../testing/query-fleet.js';
import type { QueryFleet } from '../testing/query-fleet.js';

/** `vfleet search` against an in-process controller (its app as fetch). */
let h: Harness;
let f: QueryFleet;
let env: FleetTestEnv;
let port: PortView;
const cli = (...argv: string[]) => fleetCli(argv, env);

beforeAll(async () => {
  h = await startHarness('pglite');
  f = await startQueryFleet(h);
  env = await appFleetEnv(h);
  const id = String((f.web1.ports as { id: string }[])[0]?.id);
  port = (await h.call('GET', `/v1/ports/${id}`, h.admin)).body as unknown as PortView;
}, 60_000);

afterAll(async () => {
  await env.cleanup();
  await h.close();
});

describe('vfleet search', () => {
  it('prints one line per hit, from host to tenant', async () => {
    const r = await cli('search', (port.mac ?? '').toUpperCase());
    expect(r).toMatchObject({ exitCode: 0, stderr: '' });
    const [head, ...lines] = r.stdout.trimEnd().split('\n');
    expect(head?.split(/\s+/)).toEqual([
      'MATCH',
      'HOST',
      'NUMA',
      'PF',
      'VF',
      'PCI',
      'STATE',
      'MAC',
      'INSTANCE',
      'NETWORK',
      'VLAN',
      'TENANT',
    ]);
    expect(lines.map((l) => l.split(/\s+/))).toEqual([
      [
        'mac',
        'hv-b',
        '0',
        'ens16',
        String(port.vfIndex),
        port.pciAddress,
        'allocated',
        port.mac,
        'web1',
        'blue',
        String(port.vlan),
        'acme',
      ],
    ]);
  });

  it('prints the answer as the API gives it with -o json, and says when nothing matches', async () => {
    const r = await cli('search', '3b:02.1', '-o', 'json');
    expect(r.exitCode).toBe(0);
    const api = await h.call('GET', '/v1/search?q=3b:02.1', h.admin);
    expect(JSON.parse(r.stdout)).toEqual(api.body);
    expect(api.body).toEqual({ query: '3b:02.1', matchedAs: 'pci', results: [] });
    const none = await cli('search', '3b:02.1');
    expect(none.stdout).toBe('nothing matches "3b:02.1" (read as a PCI address)\n');
    const hosts = await cli('search', 'hv-', '-o', 'json');
    expect((JSON.parse(hosts.stdout) as { results: unknown[] }).results).toHaveLength(5);
  });

  it('refuses an empty text, naming it', async () => {
    const r = await cli('search', ' ');
    expect(r.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
    expect(r.stderr).toMatch(/query\.q/);
  });
});

describe('vfleet hosts list filters', () => {
  const hostIds = async (...argv: string[]) => {
    const r = await cli('hosts', ...argv, '-o', 'json');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    return (JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id);
  };

  it('passes --search, --health, --ready, --no-ready and --sort to the API', async () => {
    expect(await hostIds()).toEqual(['hv-a', 'hv-b', 'hv-c', 'hv-d', 'hv-e']);
    expect(await hostIds('--health', 'stale')).toEqual(['hv-a']);
    expect(await hostIds('list', '--health', 'degraded')).toEqual(['hv-c']);
    expect(await hostIds('--no-ready')).toEqual(['hv-d', 'hv-e']);
    expect(await hostIds('--ready', '--search', 'B')).toEqual(['hv-b']);
    expect(await hostIds('--sort=-id')).toEqual(['hv-e', 'hv-d', 'hv-c', 'hv-b', 'hv-a']);
    expect((await hostIds('--sort', 'lastSeen'))[0]).toBe('hv-a');
    const bad = await cli('hosts', '--health', 'sick');
    expect(bad.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
  });
});
