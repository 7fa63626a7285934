import type {
  DeviceScope,
  DomainState,
  HypervisorDriver,
  MigrateOptions,
} from '../../core/libvirt/hypervisor-driver.js';
import { VfleetError } from '../../core/errors.js';
import type { CommandResult, CommandRunner } from '../../core/ports.js';
import { withTempFile } from './temp-file.js';
import { virshError } from './virsh-errors.js';

export interface VirshDriverOptions {
  /** libvirt connection URI (`qemu:///system`); virsh's default when absent. */
  readonly uri?: string;
  /** Per-command limit; migration has its own in MigrateOptions. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MIGRATE_TIMEOUT_MS = 30 * 60_000;

const STATES: Readonly<Record<string, DomainState>> = {
  running: 'running',
  paused: 'paused',
  'shut off': 'shut-off',
};

/**
 * HypervisorDriver over `virsh`, run through the CommandRunner (argv only).
 * Names always follow `--domain`/`--network` so a name that starts with `-`
 * is never read as an option.
 */
export function createVirshDriver(
  runner: CommandRunner,
  options: VirshDriverOptions = {},
): HypervisorDriver {
  const base = options.uri === undefined ? [] : ['--connect', options.uri];
  const exec = async (
    what: string,
    args: readonly string[],
    timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  ): Promise<CommandResult> => {
    const argv = [...base, ...args];
    const result = await runner.run('virsh', argv, { timeoutMs });
    if (result.exitCode !== 0) throw virshError(what, argv, result);
    return result;
  };
  const run = async (what: string, args: readonly string[], timeoutMs?: number) => {
    await exec(what, args, timeoutMs);
  };
  /** virsh reads documents only from files (see temp-file.ts). */
  const withDoc = (what: string, xml: string, args: (file: string) => string[]) =>
    withTempFile(`${what}.xml`, xml, (file) => run(what, args(file)));
  const device = (verb: string, name: string, xml: string, scope: DeviceScope) => {
    if (!scope.live && !scope.config) {
      const e = new VfleetError('INVALID_INPUT', 'a device change needs live, config or both', {
        field: 'scope',
      });
      return Promise.reject(e);
    }
    const flags = [...(scope.live ? ['--live'] : []), ...(scope.config ? ['--config'] : [])];
    return withDoc(verb, xml, (file) => [verb, '--domain', name, '--file', file, ...flags]);
  };

  return {
    kind: 'virsh',
    define: (xml) => withDoc('define', xml, (file) => ['define', '--file', file]),
    start: (name) => run('start', ['start', '--domain', name]),
    destroy: (name) => run('destroy', ['destroy', '--domain', name]),
    // --nvram: a UEFI guest cannot be undefined without it, and vfleet deletes the whole instance.
    undefine: (name) => run('undefine', ['undefine', '--domain', name, '--nvram']),
    attachDevice: (name, xml, scope) => device('attach-device', name, xml, scope),
    detachDevice: (name, xml, scope) => device('detach-device', name, xml, scope),
    migrate: (name, targetUri, o: MigrateOptions = {}) => {
      const flags = [
        ...(o.live === false ? [] : ['--live']),
        ...(o.persistent === false ? [] : ['--persistent']),
        ...(o.undefineSource === false ? [] : ['--undefinesource']),
      ];
      const args = ['migrate', ...flags, '--domain', name, '--desturi', targetUri];
      return run('migrate', args, o.timeoutMs ?? DEFAULT_MIGRATE_TIMEOUT_MS);
    },
    async domainState(name) {
      try {
        const r = await exec('domstate', ['domstate', '--domain', name]);
        return STATES[r.stdout.trim()] ?? 'other';
      } catch (e) {
        if (e instanceof VfleetError && e.code === 'NOT_FOUND') return null;
        throw e;
      }
    },
    async pinLive(name, pins) {
      for (const p of pins.vcpus) {
        const args = ['vcpupin', '--domain', name, '--vcpu', String(p.vcpu), '--cpulist', p.cpuset];
        await run('vcpupin', [...args, '--live']);
      }
      if (pins.emulator !== null)
        await run('emulatorpin', [
          'emulatorpin',
          '--domain',
          name,
          '--cpulist',
          pins.emulator,
          '--live',
        ]);
    },
    defineNetwork: (xml) => withDoc('net-define', xml, (file) => ['net-define', '--file', file]),
    startNetwork: (name) => run('net-start', ['net-start', '--network', name]),
  };
}
