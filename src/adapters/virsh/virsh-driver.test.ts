import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VfleetError } from '../../core/errors.js';
import type { CommandResult, CommandRunner, RunOptions } from '../../core/ports.js';
import { createVirshDriver } from './virsh-driver.js';

interface Call {
  readonly command: string;
  readonly args: readonly string[];
  readonly options: RunOptions | undefined;
  /** What the `--file` argument held while virsh ran. */
  readonly fileText: string | null;
  readonly file: string | null;
}

/** Records every command and answers from `reply`; reads `--file` documents as virsh would. */
function recordingRunner(reply: (call: Call) => CommandResult | VfleetError = () => ok()) {
  const calls: Call[] = [];
  const runner: CommandRunner = {
    run(command, args, options) {
      const at = args.indexOf('--file');
      const file = at >= 0 ? (args[at + 1] ?? null) : null;
      const call = {
        command,
        args: [...args],
        options,
        file,
        fileText: file === null ? null : readFileSync(file, 'utf8'),
      };
      calls.push(call);
      const r = reply(call);
      return r instanceof VfleetError ? Promise.reject(r) : Promise.resolve(r);
    },
  };
  return { runner, calls };
}

const ok = (stdout = ''): CommandResult => ({ exitCode: 0, stdout, stderr: '' });
const fail = (stderr: string): CommandResult => ({ exitCode: 1, stdout: '', stderr });

async function caught(p: Promise<unknown>): Promise<VfleetError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VfleetError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('virsh driver: argv', () => {
  const DOMAIN = '<domain type="kvm"><name>vm-1</name></domain>\n';

  it('defines from a private temporary file that is gone afterwards', async () => {
    const { runner, calls } = recordingRunner();
    await createVirshDriver(runner, { uri: 'qemu:///system' }).define(DOMAIN);
    const [call] = calls;
    expect(call?.command).toBe('virsh');
    expect(call?.args).toEqual(['--connect', 'qemu:///system', 'define', '--file', call?.file]);
    expect(call?.fileText).toBe(DOMAIN);
    expect(existsSync(call?.file ?? '')).toBe(false);
  });

  it('removes the temporary file when virsh fails too', async () => {
    const { runner, calls } = recordingRunner(() =>
      fail('error: Failed to define domain from x\nerror: XML error: bad'),
    );
    const e = await caught(createVirshDriver(runner).define(DOMAIN));
    expect(e.code).toBe('COMMAND_FAILED');
    expect(existsSync(calls[0]?.file ?? '')).toBe(false);
  });

  it('lifecycle commands name the domain after --domain, so a leading dash is no option', async () => {
    const { runner, calls } = recordingRunner();
    const d = createVirshDriver(runner);
    await d.start('-vm');
    await d.destroy('-vm');
    await d.undefine('-vm');
    expect(calls.map((c) => c.args)).toEqual([
      ['start', '--domain', '-vm'],
      ['destroy', '--domain', '-vm'],
      ['undefine', '--domain', '-vm', '--nvram'],
    ]);
  });

  it('re-pins a running guest: each vCPU, then the emulator, live only', async () => {
    const { runner, calls } = recordingRunner();
    const d = createVirshDriver(runner, { uri: 'qemu:///system' });
    await d.pinLive('vm-1', {
      vcpus: [
        { vcpu: 0, cpuset: '4-7' },
        { vcpu: 1, cpuset: '5' },
      ],
      emulator: '4-7',
    });
    await d.pinLive('vm-2', { vcpus: [], emulator: null });
    expect(calls.map((c) => c.args)).toEqual([
      [
        '--connect',
        'qemu:///system',
        'vcpupin',
        '--domain',
        'vm-1',
        '--vcpu',
        '0',
        '--cpulist',
        '4-7',
        '--live',
      ],
      [
        '--connect',
        'qemu:///system',
        'vcpupin',
        '--domain',
        'vm-1',
        '--vcpu',
        '1',
        '--cpulist',
        '5',
        '--live',
      ],
      [
        '--connect',
        'qemu:///system',
        'emulatorpin',
        '--domain',
        'vm-1',
        '--cpulist',
        '4-7',
        '--live',
      ],
    ]);
  });

  it('attach and detach carry the device document and exactly the asked scope', async () => {
    const { runner, calls } = recordingRunner();
    const d = createVirshDriver(runner);
    const dev = '<interface type="hostdev"/>\n';
    await d.attachDevice('vm', dev, { live: true, config: true });
    await d.detachDevice('vm', dev, { live: true, config: false });
    await d.attachDevice('vm', dev, { live: false, config: true });
    expect(calls.map((c) => c.args.filter((a) => a !== c.file))).toEqual([
      ['attach-device', '--domain', 'vm', '--file', '--live', '--config'],
      ['detach-device', '--domain', 'vm', '--file', '--live'],
      ['attach-device', '--domain', 'vm', '--file', '--config'],
    ]);
    expect(calls.every((c) => c.fileText === dev)).toBe(true);
  });

  it('a live detach returns once the device has left the live definition, not when libvirt answers', async () => {
    const dev = "<interface type='hostdev'><alias name='ua-p1'/></interface>";
    let looks = 0;
    const { runner, calls } = recordingRunner((c) =>
      c.args.includes('dumpxml')
        ? ok(++looks < 3 ? `<domain><devices>${dev}</devices></domain>` : '<domain/>')
        : ok(),
    );
    const slept: number[] = [];
    const sleep = (ms: number) => {
      slept.push(ms);
      return Promise.resolve();
    };
    await createVirshDriver(runner, { sleep }).detachDevice('vm', dev, {
      live: true,
      config: true,
    });
    expect(calls.map((c) => c.args[0])).toEqual(['detach-device', 'dumpxml', 'dumpxml', 'dumpxml']);
    expect(slept).toEqual([500, 500]);
    // A definition-only detach has nothing to wait for.
    const only = recordingRunner();
    await createVirshDriver(only.runner, { sleep }).detachDevice('vm', dev, {
      live: false,
      config: true,
    });
    expect(only.calls.map((c) => c.args[0])).toEqual(['detach-device']);
  });

  it('a device the guest never releases fails the detach with TIMEOUT, naming it', async () => {
    const dev = "<hostdev mode='subsystem'><alias name='ua-p2'/></hostdev>";
    const { runner } = recordingRunner((c) =>
      c.args.includes('dumpxml') ? ok(`<domain>${dev}</domain>`) : ok(),
    );
    const d = createVirshDriver(runner, { sleep: () => Promise.resolve(), detachWaitMs: 2000 });
    const e = await caught(d.detachDevice('vm', dev, { live: true, config: false }));
    expect([e.code, e.details.device]).toEqual(['TIMEOUT', 'ua-p2']);
    expect(e.message).toContain('has not released device ua-p2 after 2 s');
  });

  it('refuses a device change with neither live nor config, running nothing', async () => {
    const { runner, calls } = recordingRunner();
    const e = await caught(
      createVirshDriver(runner).attachDevice('vm', '<x/>', { live: false, config: false }),
    );
    expect([e.code, e.details.field]).toEqual(['INVALID_INPUT', 'scope']);
    expect(calls).toEqual([]);
  });

  it('migrates live and persistent by default, with its own time limit', async () => {
    const { runner, calls } = recordingRunner();
    const d = createVirshDriver(runner, { timeoutMs: 1000 });
    await d.migrate('vm', 'qemu+ssh://host-b/system');
    await d.migrate('vm', 'qemu+ssh://host-b/system', {
      live: false,
      undefineSource: false,
      timeoutMs: 5,
    });
    expect(calls.map((c) => c.args)).toEqual([
      [
        'migrate',
        '--live',
        '--persistent',
        '--undefinesource',
        '--p2p',
        '--domain',
        'vm',
        '--desturi',
        'qemu+ssh://host-b/system',
      ],
      [
        'migrate',
        '--persistent',
        '--p2p',
        '--domain',
        'vm',
        '--desturi',
        'qemu+ssh://host-b/system',
      ],
    ]);
    expect(calls[0]?.options?.timeoutMs).toBeGreaterThan(1000);
    expect(calls[1]?.options?.timeoutMs).toBe(5);
  });

  it('defines and starts a network', async () => {
    const { runner, calls } = recordingRunner();
    const d = createVirshDriver(runner);
    await d.defineNetwork('<network><name>pool</name></network>');
    await d.startNetwork('pool');
    expect(calls.map((c) => c.args.filter((a) => a !== c.file))).toEqual([
      ['net-define', '--file'],
      ['net-start', '--network', 'pool'],
    ]);
  });
});

describe('virsh driver: failures and state', () => {
  // stderr as virsh 9.0 prints it (captured against test:///default and a host without libvirtd).
  const cases: [string, string, string][] = [
    ['an unknown domain', "error: failed to get domain 'nosuch'\n", 'NOT_FOUND'],
    ['a running domain', 'error: Domain is already active\n', 'CONFLICT'],
    [
      'a stopped domain',
      "error: Failed to destroy domain 'vm'\nerror: Requested operation is not valid: domain is not running\n",
      'CONFLICT',
    ],
    [
      'no libvirt daemon',
      "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory\n",
      'MISSING_DEPENDENCY',
    ],
    [
      'an unsupported call',
      'error: Failed to attach device from f\nerror: this function is not supported by the connection driver: virDomainAttachDeviceFlags\n',
      'UNSUPPORTED',
    ],
    [
      'anything else',
      'error: internal error: qemu unexpectedly closed the monitor\n',
      'COMMAND_FAILED',
    ],
  ];
  for (const [label, stderr, code] of cases) {
    it(`${label} is ${code}, with virsh's message`, async () => {
      const { runner } = recordingRunner(() => fail(stderr));
      const e = await caught(createVirshDriver(runner).start('vm'));
      expect(e.code).toBe(code);
      const last =
        stderr
          .trim()
          .split('\n')
          .at(-1)
          ?.replace(/^error: /, '') ?? '';
      expect(e.message).toContain(last);
      expect(e.details).toMatchObject({
        command: 'virsh',
        args: ['start', '--domain', 'vm'],
        exitCode: 1,
      });
    });
  }

  it('passes on what the runner throws (virsh missing, time-out)', async () => {
    const missing = new VfleetError('MISSING_DEPENDENCY', 'virsh: not found on PATH');
    const { runner } = recordingRunner(() => missing);
    expect(await caught(createVirshDriver(runner).start('vm'))).toBe(missing);
  });

  it('reads the domain state, and null for an unknown domain', async () => {
    const answers: Record<string, CommandResult> = {
      a: ok('running\n\n'),
      b: ok('shut off\n'),
      c: ok('pmsuspended\n'),
      d: fail("error: failed to get domain 'd'\n"),
    };
    const { runner } = recordingRunner((c) => answers[c.args.at(-1) ?? ''] ?? ok());
    const d = createVirshDriver(runner);
    expect(await Promise.all(['a', 'b', 'c', 'd'].map((n) => d.domainState(n)))).toEqual([
      'running',
      'shut-off',
      'other',
      null,
    ]);
  });

  it('domain state passes on other failures', async () => {
    const { runner } = recordingRunner(() => fail('error: failed to connect to the hypervisor\n'));
    expect((await caught(createVirshDriver(runner).domainState('a'))).code).toBe(
      'MISSING_DEPENDENCY',
    );
  });
});
