import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appFleetEnv } from '../testing/app-fleet-env.js';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness } from '../testing/controller-harness.js';
import { fleetCli } from '../testing/fleet-cli.js';
import type { FleetTestEnv } from '../testing/fleet-cli.js';
import { startQueryFleet } from '../testing/query-fleet.js';
import type { QueryFleet } from '../testing/query-fleet.js';

/** `vfleet instance list` and `vfleet port list` filters, against an in-process controller. */
let h: Harness;
let f: QueryFleet;
let env: FleetTestEnv;
const cli = (...argv: string[]) => fleetCli(argv, env);

beforeAll(async () => {
  h = await startHarness('pglite');
  f = await startQueryFleet(h);
  env = await appFleetEnv(h);
}, 60_000);

afterAll(async () => {
  await env.cleanup();
  await h.close();
});

const json = async (...argv: string[]) => {
  const r = await cli(...argv, '-o', 'json');
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { id: string; name?: string; instanceId?: string }[];
};

const portIds = (i: Record<string, unknown>) => (i.ports as { id: string }[]).map((p) => p.id);

describe('list filters in the CLI', () => {
  it('instance list --tenant, --host and --state ask the controller for the matches only', async () => {
    expect((await json('instance', 'list', '--tenant', 'globex')).map((i) => i.name)).toEqual([
      'db1',
    ]);
    const onB = (await json('instance', 'list', '--host', 'hv-b')).map((i) => i.name);
    expect(onB).toContain('web1');
    expect(onB).toContain('db1');
    expect(await json('instance', 'list', '--host', 'hv-a')).toEqual([]);
    const reserved = (await json('instance', 'list', '--state', 'reserved')).map((i) => i.name);
    expect(reserved).toContain('db1');
    expect(reserved).not.toContain('web1');
  });

  it('port list --instance, --host and --network', async () => {
    const web1 = await json('port', 'list', '--instance', String(f.web1.id));
    expect(web1.map((p) => p.id)).toEqual(portIds(f.web1));
    const onB = (await json('port', 'list', '--host', 'hv-b')).map((p) => p.id);
    expect(onB.sort()).toEqual([...portIds(f.web1), ...portIds(f.db1)].sort());
    expect(await json('port', 'list', '--host', 'hv-c')).toEqual([]);
    const red = (f.db1.ports as { networkId: string }[])[0]?.networkId ?? '';
    expect((await json('port', 'list', '--network', red)).map((p) => p.id)).toEqual(portIds(f.db1));
  });

  it('port show finds a port by MAC (any case) or id; instance show by name', async () => {
    const port = (f.web1.ports as { id: string; mac: string }[])[0];
    if (port === undefined) throw new Error('web1 has no port');
    for (const ref of [port.mac.toUpperCase(), port.id]) {
      const shown = (await json('port', 'show', ref)) as unknown as { id: string };
      expect(shown.id).toBe(port.id);
    }
    const missing = await cli('port', 'show', '02:00:00:00:00:99');
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stderr).toContain('no port with id or MAC');
    const db1 = (await json('instance', 'show', 'db1')) as unknown as { id: string };
    expect(db1.id).toBe(f.db1.id);
  });

  it('a state not in the list is refused before any request', async () => {
    const r = await cli('instance', 'list', '--state', 'running');
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('reserved');
  });
});
