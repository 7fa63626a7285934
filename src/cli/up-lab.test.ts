import { afterEach, describe, expect, it } from 'vitest';
import { VfleetError } from '../core/errors.js';
import type { FleetTestEnv } from '../testing/fleet-cli.js';
import { fleetCli, fleetTestEnv } from '../testing/fleet-cli.js';
import { explainLabError, forwardTarget, labNames } from './up-lab.js';

let env: FleetTestEnv | undefined;
afterEach(async () => {
  env?.stop();
  await env?.cleanup();
  env = undefined;
});

const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
};

describe('vfleet up --lab', () => {
  it.each([
    ['http://127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
    ['http://127.0.0.53:80', { host: '127.0.0.1', port: 80 }],
    ['http://0.0.0.0:41000', { host: '127.0.0.1', port: 41000 }],
    ['http://[::1]:9000', { host: '::1', port: 9000 }],
    ['http://[::]:9000', { host: '::1', port: 9000 }],
  ])('forwards the guest to the controller at %s over loopback', (url, want) => {
    expect(forwardTarget(url)).toEqual(want);
  });

  it('refuses a controller that listens only on another address', () => {
    expect(thrown(() => forwardTarget('http://192.0.2.10:8080'))).toMatchObject({
      code: 'INVALID_INPUT',
      details: { field: 'listen' },
    });
  });

  it('says how to make the lab run when it cannot, keeping the code and details', () => {
    const missing = new VfleetError('MISSING_DEPENDENCY', 'lab host tools: no QEMU with igb', {
      script: 's',
    });
    const e = explainLabError(missing, 'vfleet-up') as VfleetError;
    expect(e.code).toBe('MISSING_DEPENDENCY');
    expect(e.message).toMatch(/^lab host tools: no QEMU with igb; .*"vfleet lab build"/);
    expect(e.message).toContain('scripts/setup-lab');
    expect(e.details).toEqual({ script: 's' });
    const busy = new VfleetError('CONFLICT', 'lab "x" is already up', { field: 'name' });
    expect((explainLabError(busy, 'x') as VfleetError).message).toContain(
      'vfleet lab down --name x',
    );
    const other = new VfleetError('TIMEOUT', 'slow');
    expect(explainLabError(other, 'x')).toBe(other);
  });

  it('names the guests of --lab-hosts after the first', () => {
    expect(labNames('vfleet-up', 1)).toEqual(['vfleet-up']);
    expect(labNames('vfleet-up', 3)).toEqual(['vfleet-up', 'vfleet-up-2', 'vfleet-up-3']);
    expect(thrown(() => labNames('a'.repeat(23), 2))).toMatchObject({
      code: 'INVALID_INPUT',
      message: `--lab-name: "${'a'.repeat(23)}" is too long for --lab-hosts 2 (the last guest would be "${'a'.repeat(23)}-2"; at most 24 characters)`,
      details: { field: 'lab-name' },
    });
  });

  it.each([
    [['--lab-name', 'Not_A_Name'], 'lab-name'],
    [['--lab-pfs', '9'], 'lab-pfs'],
    [['--lab-pfs', 'two'], 'lab-pfs'],
    [['--lab-hosts', '5'], 'lab-hosts'],
    [['--lab-hosts', '0'], 'lab-hosts'],
    [['--lab-memory', '256'], 'lab-memory'],
    [['--lab-hosts', '2', '--lab-name', 'a'.repeat(24)], 'lab-name'],
    [['--listen', '192.0.2.1:0'], 'listen'],
  ])('rejects %j before starting anything', async (args, field) => {
    env = await fleetTestEnv();
    const r = await fleetCli(['up', '--lab', '--listen', '127.0.0.1:0', ...args], env);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`[field: ${field}] (INVALID_INPUT)`);
    expect(r.stdout).not.toContain('controller:');
  });
});
