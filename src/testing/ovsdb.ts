import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecRunner } from '../adapters/exec/exec-runner.js';
import type { CommandResult } from '../core/ports.js';

/**
 * A private Open vSwitch database for tests (Debian's openvswitch-switch,
 * which scripts/setup installs): `ovsdb-server` on a fresh `conf.db` made
 * from the package's own vswitch.ovsschema, in a temporary folder that
 * `OVS_RUNDIR` points `ovs-vsctl` at, initialised as the package's start
 * script does (`ovs-vsctl --no-wait init`, the one Open_vSwitch record). No
 * ovs-vswitchd runs and the machine's own OVS, if any, is never touched.
 */
export interface Ovsdb {
  /** Runs a program (`sh`, `ovs-vsctl`) with `OVS_RUNDIR` set to this database's folder. */
  run(command: string, args: readonly string[]): Promise<CommandResult>;
  close(): Promise<void>;
}

const SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';

export async function startOvsdb(): Promise<Ovsdb> {
  const dir = await mkdtemp(join(tmpdir(), 'vfleet-ovsdb-'));
  const runner = createExecRunner({ path: process.env.PATH, env: { OVS_RUNDIR: dir } });
  const must = async (command: string, args: readonly string[]): Promise<void> => {
    const r = await runner.run(command, args, { timeoutMs: 30_000 });
    if (r.exitCode !== 0) throw new Error(`${command} ${args.join(' ')}: ${r.stderr}`);
  };
  const ctl = join(dir, 'ovsdb-server.ctl');
  await must('ovsdb-tool', ['create', join(dir, 'conf.db'), SCHEMA]);
  await must('ovsdb-server', [
    join(dir, 'conf.db'),
    `--remote=punix:${join(dir, 'db.sock')}`,
    `--unixctl=${ctl}`,
    `--pidfile=${join(dir, 'ovsdb-server.pid')}`,
    `--log-file=${join(dir, 'ovsdb-server.log')}`,
    '--no-chdir',
    '--detach',
  ]);
  await must('ovs-vsctl', ['--no-wait', 'init']);
  return {
    run: (command, args) => runner.run(command, args, { timeoutMs: 30_000 }),
    async close() {
      await runner.run('ovs-appctl', ['-t', ctl, 'exit'], { timeoutMs: 30_000 });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
