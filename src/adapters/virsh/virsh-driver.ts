import type {
  DeviceScope,
  DomainState,
  HypervisorDriver,
  MigrateOptions,
} from '../../core/libvirt/hypervisor-driver.js';
import { VfleetError } from '../../core/errors.js';
import type { CommandResult, CommandRunner } from '../../core/ports.js';
import { parseXml } from '../../core/libvirt/xml-parse.js';
import { attrOf, childElements } from '../../core/libvirt/xml-tree.js';
import { withTempFile } from './temp-file.js';
import { virshError } from './virsh-errors.js';

export interface VirshDriverOptions {
  /** libvirt connection URI (`qemu:///system`); virsh's default when absent. */
  readonly uri?: string;
  /** Per-command limit; migration has its own in MigrateOptions. */
  readonly timeoutMs?: number;
  /**
   * How long a live detach waits for the guest to release the device (see
   * detachDevice); default 120 s, since a guest under emulation is slow to.
   */
  readonly detachWaitMs?: number;
  /** How the detach wait pauses between looks (the process's clock). */
  readonly sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MIGRATE_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_DETACH_WAIT_MS = 120_000;
const DETACH_POLL_MS = 500;

/** The alias vfleet gives every device it renders (`ua-<port id>`), or null for another document. */
function aliasOf(deviceXml: string): string | null {
  try {
    const alias = childElements(parseXml(deviceXml, 'xml'), 'alias')[0];
    return alias === undefined ? null : (attrOf(alias, 'name') ?? null);
  } catch {
    return null;
  }
}

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

  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const untilGone = async (name: string, alias: string) => {
    const waitMs = options.detachWaitMs ?? DEFAULT_DETACH_WAIT_MS;
    const attempts = Math.max(1, Math.ceil(waitMs / DETACH_POLL_MS));
    for (let i = 0; i < attempts; i++) {
      const live = (await exec('dumpxml', ['dumpxml', '--domain', name])).stdout;
      if (!live.includes(`<alias name='${alias}'/>`) && !live.includes(`<alias name="${alias}"/>`))
        return;
      await sleep(DETACH_POLL_MS);
    }
    throw new VfleetError(
      'TIMEOUT',
      `detach-device ${name}: the guest has not released device ${alias} after ${String(waitMs / 1000)} s (libvirt asked it to; is the guest's OS up?)`,
      { domain: name, device: alias },
    );
  };

  return {
    kind: 'virsh',
    define: (xml) => withDoc('define', xml, (file) => ['define', '--file', file]),
    start: (name) => run('start', ['start', '--domain', name]),
    destroy: (name) => run('destroy', ['destroy', '--domain', name]),
    // --nvram: a UEFI guest cannot be undefined without it, and vfleet deletes the whole instance.
    undefine: (name) => run('undefine', ['undefine', '--domain', name, '--nvram']),
    attachDevice: (name, xml, scope) => device('attach-device', name, xml, scope),
    // libvirt answers a live detach once it has asked the guest (a PCIe
    // unplug the guest must acknowledge), and gives up waiting after a few
    // seconds; the device may still be there. The contract is "gone when
    // resolved": a migration started next would carry a VF. So the live
    // definition is read until the device's alias has left it.
    detachDevice: async (name, xml, scope) => {
      await device('detach-device', name, xml, scope);
      const alias = scope.live ? aliasOf(xml) : null;
      if (alias !== null) await untilGone(name, alias);
    },
    migrate: (name, targetUri, o: MigrateOptions = {}) => {
      const flags = [
        ...(o.live === false ? [] : ['--live']),
        ...(o.persistent === false ? [] : ['--persistent']),
        ...(o.undefineSource === false ? [] : ['--undefinesource']),
        ...(o.peerToPeer === false ? [] : ['--p2p']),
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
