import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliOn } from '../../testing/cli-harness.js';
import type { FixtureHost } from '../../testing/fixture-host.js';
import { buildFixtureHost } from '../../testing/fixture-host.js';
import type { FixtureHostSpec } from '../../testing/fixture-spec.js';
import { createSimulatedKernelFs } from '../../testing/simulated-kernel-fs.js';

let host: FixtureHost | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

const PF = '0000:01:00.0';

async function setup(stateYaml: string, spec: FixtureHostSpec = { pfs: [{ pciAddress: PF }] }) {
  host = await buildFixtureHost(spec);
  const file = join(host.dir, 'state.yaml');
  await writeFile(file, stateYaml);
  const h = host;
  const run = (...argv: string[]) =>
    runCliOn(h, ['host', ...argv, '--host-root', h.root], {
      hostFs: createSimulatedKernelFs(h).fs,
    });
  return { file, run };
}

const state = `pfs:\n  - pciAddress: ${PF}\n    numVfs: 2\n    vfs:\n      - index: 1\n        vlan: 100\n        qos: 3\n`;

describe('vfleet host plan / apply', () => {
  it('plans, applies, then reports no changes; --exit-code says which', async () => {
    const { file, run } = await setup(state);
    const plan = await run('plan', '-f', file, '--exit-code');
    expect(plan.exitCode).toBe(1);
    expect(plan.stdout).toContain(
      '  numVfs 0 -> 2\n  vf 1 (0000:01:10.2, new)\n    vlan ? -> 100 qos 3\n',
    );
    const apply = await run('apply', '-f', file, '--wait', '5');
    expect(apply.exitCode).toBe(0);
    expect(apply.stdout).toMatch(/numVfs 0 -> 2\s+ok/);
    expect(apply.stdout).toContain('Applied: ');
    expect(apply.stderr).toContain('ok      0000:01:00.0: numVfs 0 -> 2');
    const again = await run('plan', '-f', file, '--exit-code');
    expect([again.exitCode, again.stdout.trim().split('\n').pop()]).toEqual([
      0,
      'No changes: the host matches the state.',
    ]);
    const second = await run('apply', '-f', file);
    expect([second.exitCode, second.stdout]).toEqual([
      0,
      'No changes: the host matches the state.\n',
    ]);
  });

  it('gives the plan as data with -o json', async () => {
    const { file, run } = await setup(state);
    const r = await run('plan', '-f', file, '-o', 'json');
    const data = JSON.parse(r.stdout) as { changes: number; pfs: { numVfs: unknown }[] };
    expect(data.changes).toBe(2);
    expect(data.pfs[0]?.numVfs).toEqual({ from: 0, to: 2 });
  });

  it('reports a YAML syntax error with line and column, exit 2, no stack', async () => {
    const { file, run } = await setup('pfs:\n  - pciAddress: 0000:01:00.0\n    numVfs: [2\n');
    const r = await run('plan', '-f', file);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      /^vfleet: error: .*state\.yaml:4:1: not valid YAML: .* \(INVALID_INPUT\)\n$/,
    );
  });

  it('exits 12 (PARTIAL_APPLY) after printing the report when the driver rejects a setting', async () => {
    const { file, run } = await setup(
      `pfs:\n  - pciAddress: ${PF}\n    numVfs: 1\n    vfs:\n      - index: 0\n        state: disable\n        trust: true\n`,
      { pfs: [{ pciAddress: PF, unsupported: ['state'] }] },
    );
    const r = await run('apply', '-f', file);
    expect(r.exitCode).toBe(12);
    expect(r.stdout).toMatch(
      /state auto -> disable\s+unsupported\s+RTNETLINK answers: Operation not supported/,
    );
    expect(r.stderr).toMatch(/PARTIAL_APPLY/);
  });

  it('exits 7 (UNSAFE_CHANGE) with nothing changed when VFs carry undeclared settings', async () => {
    const { file, run } = await setup(`pfs:\n  - pciAddress: ${PF}\n    numVfs: 3\n`, {
      pfs: [{ pciAddress: PF, vfs: [{ info: { trust: true } }] }],
    });
    const r = await run('apply', '-f', file);
    expect(r.exitCode).toBe(7);
    expect(r.stderr).toContain(
      'vf 0 (0000:01:10.0) would be destroyed: carries settings the state does not declare for it: trust on',
    );
    expect(r.stdout).toBe('');
  });

  it('fails NOT_FOUND for a missing state file, naming it', async () => {
    const { run } = await setup(state);
    const r = await run('plan', '-f', '/nonexistent/state.yaml');
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/state file \/nonexistent\/state.yaml does not exist \[field: file\]/);
  });
});

describe('vfleet host install-boot / restore', () => {
  it('installs below another host root without systemctl, and restore applies it', async () => {
    const { file, run } = await setup(state);
    const install = await run('install-boot', '-f', file);
    expect(install.exitCode).toBe(0);
    expect(install.stdout).toMatch(/systemctl daemon-reload\s+skipped/);
    const unit = await host?.fs.readText('/etc/systemd/system/vfleet-restore.service');
    expect(unit).toMatch(/^ExecStart=\/\S+ \/\S+\/bin\/vfleet\.js host restore$/m);
    const restore = await run('restore');
    expect(restore.exitCode).toBe(0);
    expect(restore.stdout).toContain('Applied: ');
  });

  it('restore fails NOT_FOUND when nothing was saved', async () => {
    const { run } = await setup(state);
    const r = await run('restore');
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/install-boot/);
  });
});
