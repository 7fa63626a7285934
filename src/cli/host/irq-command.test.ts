import { resolve } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeHostFs } from '../../adapters/host-fs/node-host-fs.js';
import { VfleetError } from '../../core/errors.js';
import type { HostFs } from '../../core/ports.js';
import type { FixtureHost } from '../../testing/fixture-host.js';
import { buildIrqFixture, IRQ_VFS, kernelLikeFs } from '../../testing/irq-fixture.js';
import type { CliDeps } from '../cli-deps.js';
import { registerIrqCommand } from './irq-command.js';

// Not yet wired into `vfleet host` (host-commands.ts belongs to the lead), so
// the command is mounted on its own `host` command here.
let host: FixtureHost | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

async function run(h: FixtureHost, argv: string[], fs?: HostFs) {
  let stdout = '';
  const deps: CliDeps = {
    hostFs: (root) =>
      fs !== undefined && resolve(root) === resolve(h.root) ? fs : createNodeHostFs(root),
    runner: h.runner,
    clock: { now: () => Date.now(), sleep: () => Promise.resolve() },
    out: (t) => (stdout += t),
    err: () => undefined,
    interactive: false,
    cacheDir: resolve(h.dir, 'cache'),
    installDir: resolve(import.meta.dirname, '..', '..', '..'),
    nodePath: process.execPath,
  };
  const program = new Command('vfleet').exitOverride();
  registerIrqCommand(program.command('host'), deps);
  let error: unknown = null;
  await program
    .parseAsync(['host', 'pin-irqs', '--host-root', h.root, ...argv], { from: 'user' })
    .catch((e: unknown) => {
      error = e;
    });
  return { stdout, error };
}

describe('vfleet host pin-irqs', () => {
  it('prints one row per vector with from, to and the result, then a count', async () => {
    host = await buildIrqFixture();
    const r = await run(host, []);
    expect(r.error).toBeNull();
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^VF\s+NETDEV\s+NUMA\s+IRQ\s+FROM\s+TO\s+RESULT\s+DETAIL$/);
    expect(r.stdout).toMatch(
      new RegExp(`${IRQ_VFS.node1a}\\s+eth\\d+\\s+1\\s+40\\s+0-3\\s+2-3\\s+changed\\s+-\\n`),
    );
    expect(r.stdout).toMatch(/\s42\s+0\s+2-3\s+changed\s+-\n/);
    expect(r.stdout).toMatch(/\s45\s+0-3\s+-\s+skipped\s+the kernel reports no NUMA node/);
    expect(lines.at(-2)).toBe('3 IRQ(s) changed, 0 failed.');
  });

  it('--dry-run -o json gives the report and writes nothing', async () => {
    host = await buildIrqFixture();
    const r = await run(host, ['--dry-run', '-o', 'json', '--vf', IRQ_VFS.node1a]);
    const report = JSON.parse(r.stdout) as {
      dryRun: boolean;
      pins: { irq: number; result: string }[];
    };
    expect(report.dryRun).toBe(true);
    expect(report.pins.map((p) => [p.irq, p.result])).toEqual([
      [40, 'would-change'],
      [41, 'already-right'],
      [42, 'would-change'],
    ]);
    expect((await host.fs.readText('/proc/irq/40/smp_affinity_list'))?.trim()).toBe('0-3');
  });

  it('prints the report, then fails PARTIAL_APPLY when an IRQ could not be pinned', async () => {
    host = await buildIrqFixture();
    const r = await run(host, [], kernelLikeFs(host.fs, { eio: [42] }));
    expect(r.stdout).toMatch(/\s42\s+0\s+2-3\s+failed\s+EIO: a managed interrupt/);
    expect(r.stdout).toContain('2 IRQ(s) changed, 1 failed.');
    expect(r.error).toBeInstanceOf(VfleetError);
    expect((r.error as VfleetError).code).toBe('PARTIAL_APPLY');
    expect((r.error as VfleetError).details.failed).toEqual([42]);
  });
});
