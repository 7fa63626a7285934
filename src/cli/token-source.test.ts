import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeInfo } from '../core/errors.js';
import { appFleetEnv } from '../testing/app-fleet-env.js';
import { startHarness, type Harness } from '../testing/controller-harness.js';
import { fleetCli, type FleetTestEnv } from '../testing/fleet-cli.js';

/** A refused token says where it came from: the flag, the environment, or which file. */
let h: Harness;
let env: FleetTestEnv;

beforeAll(async () => {
  h = await startHarness('pglite');
  env = await appFleetEnv(h);
}, 60_000);

afterAll(async () => {
  await env.cleanup();
  await h.close();
});

/** The CLI with VFLEET_TOKEN as the composition root would hand it (null: unset). */
const cli = (token: string | null, ...argv: string[]) =>
  fleetCli(argv, {
    ...env,
    fleet: {
      ...env.fleet,
      defaults: {
        ...env.fleet.defaults,
        token,
        tokenFrom: 'the VFLEET_TOKEN environment variable',
      },
    },
  });

const refused = (from: string) =>
  new RegExp(
    `^vfleet: error: the controller at http://controller refused the token from ${from.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(401: .+\\) \\[field: token\\] \\(UNAUTHORIZED\\)\\n$`,
  );

describe('a refused token names its source', () => {
  it('--token', async () => {
    const r = await cli(h.admin, 'network', 'list', '--token', 'nope');
    expect(r.exitCode).toBe(errorCodeInfo.UNAUTHORIZED.exitCode);
    expect(r.stderr).toMatch(refused('--token'));
  });

  it('VFLEET_TOKEN', async () => {
    const r = await cli('nope', 'network', 'list');
    expect(r.exitCode).toBe(errorCodeInfo.UNAUTHORIZED.exitCode);
    expect(r.stderr).toMatch(refused('the VFLEET_TOKEN environment variable'));
  });

  it('--token-file FILE', async () => {
    const file = join(env.dataDir, 'my-token');
    await writeFile(file, 'nope\n');
    const r = await cli('also-wrong', 'network', 'list', '--token-file', file);
    expect(r.stderr).toMatch(refused(`--token-file ${file}`));
  });

  it('the admin token file of the data dir, by its path', async () => {
    const file = join(env.dataDir, 'admin-token');
    await writeFile(file, 'stale\n');
    const r = await cli(null, 'network', 'list');
    expect(r.exitCode).toBe(errorCodeInfo.UNAUTHORIZED.exitCode);
    expect(r.stderr).toMatch(refused(`the admin token file ${file}`));
    await writeFile(file, `${h.admin}\n`);
    expect((await cli(null, 'network', 'list')).exitCode).toBe(0);
  });
});
