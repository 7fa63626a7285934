import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appFleetEnv } from '../testing/app-fleet-env.js';
import { bareCli } from '../testing/bare-cli.js';
import { startHarness, type Harness } from '../testing/controller-harness.js';
import { fleetCli, type FleetTestEnv } from '../testing/fleet-cli.js';
import { basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { inOptionWords } from './option-fields.js';
import { VfleetError } from '../core/errors.js';

/** Missing and refused request fields are told as the options the operator typed. */
let h: Harness;
let env: FleetTestEnv;
const cli = (...argv: string[]) => fleetCli(argv, env);
const error = (message: string, field: string) =>
  `vfleet: error: ${message} [field: ${field}] (INVALID_INPUT)\n`;

beforeAll(async () => {
  h = await startHarness('pglite');
  await basicCatalog(h, 4);
  await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 4 });
  env = await appFleetEnv(h);
}, 60_000);

afterAll(async () => {
  await env.cleanup();
  await h.close();
});

const create = ['instance', 'create', 'vm1', '--tenant', 'acme'];

describe('required options', () => {
  it.each([
    [[...create, '--vcpus', '1', '--port', 'blue'], '--memory-mb is required', 'memory-mb'],
    [[...create, '--memory-mb', '64', '--port', 'blue'], '--vcpus is required', 'vcpus'],
    [
      ['instance', 'create', '--vcpus', '1', '--memory-mb', '64', '--port', 'blue'],
      'NAME is required',
      'name',
    ],
    [
      ['instance', 'boot', 'vm1', '--memory-mb', '64', '--port', 'blue', '--image', 'x'],
      '--vcpus is required',
      'vcpus',
    ],
  ])('%j', async (argv, message, field) => {
    const r = await cli(...argv);
    expect(r).toMatchObject({ exitCode: 2, stdout: '', stderr: error(message, field) });
  });

  it('commander-mandatory options read the same (no controller needed)', async () => {
    const r = await bareCli(['network', 'create', 'n1']);
    expect(r).toMatchObject({ exitCode: 2, stderr: error('--physnet is required', 'physnet') });
  });
});

describe("the API's refusals name the option", () => {
  it.each([
    [[...create, '--vcpus', '0', '--memory-mb', '64', '--port', 'blue'], /^--vcpus: /, 'vcpus'],
    [
      [...create, '--vcpus', '1', '--memory-mb', '0', '--port', 'blue'],
      /^--memory-mb: /,
      'memory-mb',
    ],
    [
      [...create, '--vcpus', '1', '--memory-mb', '64', '--port', 'blue,mac=zz'],
      /^--port #1 mac: /,
      'ports[0].mac',
    ],
    [['network', 'create', 'Bad Name!', '--physnet', 'p1'], /^NAME: /, 'name'],
  ])('%j', async (argv, message, field) => {
    const r = await cli(...argv);
    expect(r.exitCode).toBe(2);
    const m = /^vfleet: error: (.*) \[field: (.*)\] \(INVALID_INPUT\)\n$/.exec(r.stderr);
    expect(m?.[1]).toMatch(message);
    expect(m?.[1]).not.toMatch(/memoryMb|(^|[^-])vcpus:|ports\[/);
    expect(m?.[2]).toBe(field);
  });

  it('errors of the CLI itself and fields outside the table pass unchanged', () => {
    const own = new VfleetError('INVALID_INPUT', 'vcpus: x', { field: 'vcpus' });
    expect(inOptionWords(own, { vcpus: '--vcpus' })).toBe(own);
    const other = new VfleetError('INVALID_INPUT', 'zz: x', { field: 'zz', status: 400 });
    expect(inOptionWords(other, { vcpus: '--vcpus' })).toBe(other);
  });
});

describe('SR-IOV ports are never dropped silently', () => {
  it('no --port: refused, naming --no-ports', async () => {
    const r = await cli(...create, '--vcpus', '1', '--memory-mb', '64');
    expect(r).toMatchObject({
      exitCode: 2,
      stderr: error(
        '--port: give at least one --port NET (an SR-IOV port on network NET), or --no-ports for an instance without SR-IOV ports',
        'port',
      ),
    });
    expect((await cli('instance', 'list', '-o', 'json')).stdout).not.toContain('vm1');
  });

  it('--no-ports makes one without; not together with --port', async () => {
    const both = await cli(
      ...create,
      '--vcpus',
      '1',
      '--memory-mb',
      '64',
      '--no-ports',
      '--port',
      'blue',
    );
    expect(both).toMatchObject({
      exitCode: 2,
      stderr: error('--no-ports: not together with --port', 'no-ports'),
    });
    const none = await cli(
      ...create,
      '--vcpus',
      '1',
      '--memory-mb',
      '64',
      '--no-ports',
      '-o',
      'json',
    );
    expect(none.exitCode).toBe(0);
    expect((JSON.parse(none.stdout) as { ports: unknown[] }).ports).toEqual([]);
  });
});
