import { Command, CommanderError } from 'commander';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createNodeHostFs } from '../../adapters/host-fs/node-host-fs.js';
import { errorCodeInfo, isVfleetError } from '../../core/errors.js';
import { fixtureFromLabCapture } from '../../testing/fixture-from-capture.js';
import type { FixtureHost } from '../../testing/fixture-host.js';
import { buildFixtureHost } from '../../testing/fixture-host.js';
import type { CliDeps } from '../cli-deps.js';
import { registerDoctorCommands } from './doctor-commands.js';
import { ExitCode } from '../exit-code.js';

let host: FixtureHost | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

/** `vfleet host doctor|explain` in-process, with run-cli's exit-code mapping. */
async function run(h: FixtureHost, argv: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const deps: CliDeps = {
    hostFs: createNodeHostFs,
    runner: h.runner,
    clock: { now: () => Date.now(), sleep: () => Promise.resolve() },
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    interactive: false,
    cacheDir: resolve(h.dir, 'cache'),
    installDir: resolve(import.meta.dirname, '..', '..', '..'),
    nodePath: process.execPath,
  };
  const program = new Command('vfleet')
    .exitOverride()
    .configureOutput({ writeOut: deps.out, writeErr: deps.err });
  registerDoctorCommands(program.command('host'), deps);
  let exitCode = 0;
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof ExitCode) exitCode = e.code;
    else if (e instanceof CommanderError) exitCode = e.exitCode === 0 ? 0 : 2;
    else if (isVfleetError(e)) {
      stderr += `vfleet: error: ${e.message} (${e.code})\n`;
      exitCode = errorCodeInfo[e.code].exitCode;
    } else throw e;
  }
  return { exitCode, stdout, stderr };
}

describe('vfleet host doctor', () => {
  it('prints grouped findings with markers, evidence and fixes, exit 0 on the lab capture', async () => {
    host = await fixtureFromLabCapture();
    const r = await run(host, ['host', 'doctor', '--host-root', host.root]);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('host');
    expect(r.stdout).toMatch(/\n {2}\[OK\] {4}IOMMU is on \(\d+ IOMMU groups\) {2}\(iommu\)\n/);
    expect(r.stdout).toMatch(
      /\(iommu\)\n {10}evidence:\n( {12}.*\n)* {12}dmesg: \[ {4}0\.155201\] DMAR: IOMMU enabled\n/,
    );
    expect(r.stdout).toContain('\n0000:01:00.0 eth0 (igb)\n');
    expect(r.stdout).toContain('\n0000:81:00.0 eth1 (igb)\n');
    expect(lines.at(-2)).toMatch(/^Summary: 0 errors, \d+ warnings?, \d+ info, \d+ ok$/);
  });

  it('gives the same report as JSON and YAML', async () => {
    host = await fixtureFromLabCapture();
    const json = await run(host, ['host', 'doctor', '--host-root', host.root, '-o', 'json']);
    const yaml = await run(host, ['host', 'doctor', '--host-root', host.root, '-o', 'yaml']);
    const report = JSON.parse(json.stdout) as {
      findings: { id: string }[];
      summary: Record<string, number>;
    };
    expect(parse(yaml.stdout)).toEqual(report);
    expect(report.summary.error).toBe(0);
    expect(report.findings.map((f) => f.id)).toContain('kernel-log:vf-pf-reset');
  });

  it('exits 1 when a finding is an error (IOMMU off), after printing the report', async () => {
    host = await buildFixtureHost({ iommu: false, pfs: [{ pciAddress: '0000:01:00.0', vfs: 1 }] });
    const r = await run(host, ['host', 'doctor', '--host-root', host.root]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/\[ERROR\] IOMMU is off/);
    expect(r.stdout).toMatch(/\n {10}fix:\n( {12}.*\n)* {12}Rebuild the grub configuration: /);
  });
});

describe('vfleet host explain', () => {
  it('explains a known message, exit 0', async () => {
    host = await buildFixtureHost({ pfs: [] });
    const r = await run(host, [
      'host',
      'explain',
      'igb 0000:04:00.0: Failed to enable PCI sriov: -12',
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(
      /^SR-IOV refused: not enough MMIO space for the VF BARs {2}\[kernel: sriov-mmio\]\n/,
    );
    expect(r.stdout).toContain('  matched: "Failed to enable PCI sriov: -12"\n');
    expect(r.stdout).toContain('    1. In the firmware setup enable SR-IOV');
    expect(r.stdout).toContain('  see:     vfleet host doctor (checks: sriov-firmware)');
  });

  it('joins unquoted words and prints JSON', async () => {
    host = await buildFixtureHost({ pfs: [] });
    const r = await run(host, [
      'host',
      'explain',
      '-o',
      'json',
      'RTNETLINK',
      'answers:',
      'Operation',
      'not',
      'supported',
    ]);
    const data = JSON.parse(r.stdout) as {
      text: string;
      matches: { id: string; source: string; fix: string[] }[];
    };
    expect(data.text).toBe('RTNETLINK answers: Operation not supported');
    expect(data.matches[0]).toMatchObject({ id: 'ip-vf-not-supported', source: 'iproute2' });
  });

  it('exits with the NOT_FOUND code and a clear message for unknown text', async () => {
    host = await buildFixtureHost({ pfs: [] });
    const r = await run(host, ['host', 'explain', 'the printer is on fire']);
    expect(r.exitCode).toBe(errorCodeInfo.NOT_FOUND.exitCode);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^vfleet: error: no known error matches "the printer is on fire": .* \(NOT_FOUND\)\n$/,
    );
  });
});
