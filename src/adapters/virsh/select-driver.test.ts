import { describe, expect, it } from 'vitest';
import { VfleetError } from '../../core/errors.js';
import type { CommandResult, CommandRunner } from '../../core/ports.js';
import { selectHypervisorDriver } from './select-driver.js';

const runnerOf = (answer: () => Promise<CommandResult>) => {
  const calls: string[][] = [];
  const runner: CommandRunner = {
    run(_command, args) {
      calls.push([...args]);
      return answer();
    },
  };
  return { runner, calls };
};

describe('selectHypervisorDriver', () => {
  it('asks libvirt for its URI on the configured connection', async () => {
    const { runner, calls } = runnerOf(() =>
      Promise.resolve({ exitCode: 0, stdout: 'qemu:///system\n', stderr: '' }),
    );
    const s = await selectHypervisorDriver(runner, { uri: 'qemu:///system' });
    expect(calls).toEqual([
      ['--connect', 'qemu:///system', 'uri'],
      ['--connect', 'qemu:///system', 'domcapabilities', '--virttype', 'kvm'],
    ]);
    expect(s).toMatchObject({ fallbackReason: null, driver: { kind: 'virsh' }, virtType: 'kvm' });
  });

  it('offers qemu (emulation) when libvirt refuses kvm domain capabilities, and null when it refuses both', async () => {
    const answering = (refused: readonly string[]) => {
      const runner: CommandRunner = {
        run(_command, args) {
          const type = args[args.indexOf('--virttype') + 1] ?? '';
          const no = args.includes('domcapabilities') && refused.includes(type);
          return Promise.resolve(
            no
              ? { exitCode: 1, stdout: '', stderr: `error: KVM is not supported on this host` }
              : { exitCode: 0, stdout: '', stderr: '' },
          );
        },
      };
      return runner;
    };
    expect((await selectHypervisorDriver(answering(['kvm']))).virtType).toBe('qemu');
    expect((await selectHypervisorDriver(answering(['kvm', 'qemu']))).virtType).toBeNull();
  });

  it('falls back to render-only when virsh is missing, saying why', async () => {
    const { runner } = runnerOf(() =>
      Promise.reject(new VfleetError('MISSING_DEPENDENCY', 'virsh: not found on PATH')),
    );
    const s = await selectHypervisorDriver(runner);
    expect(s.driver.kind).toBe('render-only');
    expect(s.fallbackReason).toBe('virsh: not found on PATH');
  });

  it('passes on anything else the runner throws', async () => {
    const boom = new VfleetError('INTERNAL', 'boom');
    const { runner } = runnerOf(() => Promise.reject(boom));
    await expect(selectHypervisorDriver(runner)).rejects.toBe(boom);
  });
});
