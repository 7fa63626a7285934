import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDomainKeeper, type DomainKeeper } from '../../agent/domain-reconcile.js';
import type { LiveAnswer, LiveEffect } from '../../core/migration/live-migration-effects.js';
import {
  beginLiveMigration,
  liveMigrationReport,
} from '../../core/migration/live-migration-machine.js';
import { planLiveMigration } from '../../core/migration/live-migration-plan.js';
import { runLiveMigration } from '../../core/migration/live-migration-run.js';
import type { CommandResult, CommandRunner } from '../../core/ports.js';
import {
  HOST_A,
  HOST_B,
  TARGET_VFS,
  migrationRequest,
} from '../../testing/live-migration-fixture.js';
import { createVirshDriver } from './virsh-driver.js';

/**
 * A live migration as the state machine runs it, its tasks run by each
 * host's agent (its domain keeper) over the virsh driver: the virsh argv
 * and documents of a migration and of a rollback. The controller's VF
 * claims are a log.
 */

/** One virsh command as run: host (from --connect), argv without the temp file, the document. */
interface VirshCall {
  readonly host: string;
  readonly argv: readonly string[];
  readonly doc: string | null;
}

/** Records virsh calls for every host in one list; `fail` decides which ones exit 1. */
function recordingVirsh(fail: (c: VirshCall) => string | null = () => null) {
  const calls: VirshCall[] = [];
  const runner: CommandRunner = {
    run(command, args): Promise<CommandResult> {
      expect(command).toBe('virsh');
      const at = args.indexOf('--file');
      const file = at >= 0 ? args[at + 1] : undefined;
      const host = /^qemu\+ssh:\/\/(\w+)\//.exec(args[1] ?? '')?.[1] ?? '?';
      const call = {
        host,
        argv: args.slice(2).filter((a) => a !== file),
        doc: file === undefined ? null : readFileSync(file, 'utf8'),
      };
      calls.push(call);
      const stderr = fail(call);
      return Promise.resolve({
        exitCode: stderr === null ? 0 : 1,
        stdout: '',
        stderr: stderr ?? '',
      });
    },
  };
  const agents = new Map(
    [HOST_A, HOST_B].map((h) => [
      h.id,
      createDomainKeeper(createVirshDriver(runner, { uri: h.uri })),
    ]),
  );
  const agentOf = (host: string): DomainKeeper => {
    const a = agents.get(host);
    if (a === undefined) throw new Error(`no agent on ${host}`);
    return a;
  };
  return { calls, agentOf };
}

/**
 * Answers the machine's effects: tasks by the host's agent (as the
 * controller hands them out), VF claims by a log that hands out the target
 * VFs in order.
 */
function fleet(agentOf: (host: string) => DomainKeeper) {
  const log: string[] = [];
  let next = 1;
  const answer = async (e: LiveEffect): Promise<LiveAnswer> => {
    switch (e.kind) {
      case 'reserve-vf':
        log.push(`reserve ${e.hostId} ${e.portId}`);
        return { ok: true, vf: TARGET_VFS[next++] ?? TARGET_VFS[0] };
      case 'confirm-vf':
      case 'release-vf':
        log.push(`${e.kind.replace('-vf', '')} ${e.hostId} ${e.portId} ${e.pciAddress}`);
        return { ok: true };
      case 'task': {
        const t = await agentOf(e.hostId).runTask({ id: String(e.seq), op: e.op, args: e.args });
        return t.ok
          ? { ok: true }
          : { ok: false, error: { code: 'COMMAND_FAILED', message: t.message ?? '' } };
      }
    }
  };
  return { log, answer };
}

async function migrate(virsh: ReturnType<typeof recordingVirsh>) {
  const vfs = fleet(virsh.agentOf);
  const live = beginLiveMigration(planLiveMigration(migrationRequest()), {
    instanceId: 'i-1',
    policy: 'tenant',
  });
  const end = await runLiveMigration(live, vfs.answer);
  if (end?.pending !== null) throw new Error('the migration did not end');
  return { r: liveMigrationReport(end), log: vfs.log };
}

const addr = (doc: string | null | undefined) =>
  /bus="(0x\w+)" slot="(0x\w+)" function="(0x\w)"/
    .exec(doc ?? '')
    ?.slice(1)
    .join(':');

describe('migration over the virsh driver', () => {
  it('runs detach-device, migrate, attach-device with the same MAC and VLAN on the new VF', async () => {
    const virsh = recordingVirsh();
    const { r, log } = await migrate(virsh);
    expect(r.outcome).toBe('completed');
    // Each live detach reads the live definition until the VF has left it.
    expect(virsh.calls.map((c) => [c.host, ...c.argv])).toEqual([
      ['a', 'detach-device', '--domain', 'vm-mig', '--file', '--live', '--config'],
      ['a', 'dumpxml', '--domain', 'vm-mig'],
      ['a', 'detach-device', '--domain', 'vm-mig', '--file', '--live', '--config'],
      ['a', 'dumpxml', '--domain', 'vm-mig'],
      [
        'a',
        'migrate',
        '--live',
        '--persistent',
        '--undefinesource',
        '--p2p',
        '--domain',
        'vm-mig',
        '--desturi',
        'qemu+ssh://b/system',
      ],
      ['b', 'attach-device', '--domain', 'vm-mig', '--file', '--live', '--config'],
      ['b', 'attach-device', '--domain', 'vm-mig', '--file', '--live', '--config'],
    ]);
    const [d1, d2, , a1, a2] = virsh.calls
      .filter((c) => c.doc !== null || c.argv[0] === 'migrate')
      .map((c) => c.doc);
    expect([addr(d1), addr(d2), addr(a1), addr(a2)]).toEqual([
      '0x3b:0x02:0x1',
      '0x3b:0x02:0x2',
      '0x5e:0x02:0x1',
      '0x5e:0x02:0x2',
    ]);
    // Same MAC, VLAN and failover pairing as on the source; only the address differs.
    expect(a1?.replace(/<address [^>]*>/, '')).toBe(d1?.replace(/<address [^>]*>/, ''));
    expect(a1).toContain('<mac address="fa:16:3e:00:00:01"/>');
    expect(a1).toContain('<tag id="2401"/>');
    expect(a1).toContain('<teaming type="transient" persistent="ua-sb1"/>');
    expect(log).toEqual([
      'reserve b p1',
      'reserve b p2',
      'confirm b p1 0000:5e:02.1',
      'confirm b p2 0000:5e:02.2',
      'release a p1 0000:3b:02.1',
      'release a p2 0000:3b:02.2',
    ]);
  });

  it('when attaching on the target fails, migrates back and re-attaches the source VFs', async () => {
    const virsh = recordingVirsh((c) =>
      c.host === 'b' && c.argv[0] === 'attach-device' && c.doc?.includes('function="0x2"') === true
        ? "error: Failed to attach device from f\nerror: internal error: unable to execute QEMU command 'device_add': vfio 0000:5e:02.2: failed to setup container"
        : null,
    );
    const { r, log } = await migrate(virsh);
    expect([r.outcome, r.failedStep, r.error?.code]).toEqual([
      'rolled-back',
      'attach-target-vf:p2',
      'COMMAND_FAILED',
    ]);
    expect(r.error?.message).toContain('failed to setup container');
    expect(
      virsh.calls
        .filter((c) => c.argv[0] !== 'dumpxml')
        .slice(4)
        .map((c) => [c.host, c.argv[0], addr(c.doc) ?? c.argv.at(-1)]),
    ).toEqual([
      ['b', 'attach-device', '0x5e:0x02:0x2'],
      ['b', 'detach-device', '0x5e:0x02:0x1'],
      ['b', 'migrate', 'qemu+ssh://a/system'],
      ['a', 'attach-device', '0x3b:0x02:0x2'],
      ['a', 'attach-device', '0x3b:0x02:0x1'],
    ]);
    expect(log.slice(2)).toEqual(['release b p2 0000:5e:02.2', 'release b p1 0000:5e:02.1']);
  });
});
