import { describe, expect, it } from 'vitest';
import { resolveBenchOptions } from '../../core/datapath/bench-options.js';
import { chooseEndpoints } from '../../core/datapath/endpoint-choice.js';
import type {
  GuestImageWriter,
  InitramfsFile,
  RunFolders,
} from '../../core/datapath/guest-image.js';
import { VfleetError } from '../../core/errors.js';
import type { HypervisorDriver } from '../../core/libvirt/hypervisor-driver.js';
import type { CommandRunner, HostFs, ProgressEvent } from '../../core/ports.js';
import { inventory, pf, vf } from '../../testing/inventory-builders.js';
import { measureVmPaths } from './vm-paths.js';

const PF = '0000:03:00.0';
const RELEASE = '6.1.0-28-amd64';
const DEP = `kernel/drivers/net/virtio_net.ko:
kernel/drivers/virtio/virtio_pci.ko:
kernel/drivers/net/ethernet/intel/igbvf/igbvf.ko:
`;

function world(o: {
  vdpa?: boolean;
  vfs: number;
  e1000: boolean;
  startFails?: boolean;
  console?: string;
  crash?: boolean;
}) {
  const calls: string[] = [];
  const files: Record<string, string> = {
    [`/lib/modules/${RELEASE}/modules.dep`]: o.e1000
      ? `${DEP}kernel/drivers/net/ethernet/intel/e1000/e1000.ko:\n`
      : DEP,
    [`/boot/vmlinuz-${RELEASE}`]: 'kernel',
    '/usr/bin/busybox': 'busybox',
    '/dev/vhost-net': '',
    ...(o.console === undefined
      ? {}
      : { '/run/vfleet/datapath/vfleet-dp-77/console.log': o.console }),
  };
  const fs: HostFs = {
    readText: (p) => Promise.resolve(files[p] ?? null),
    listDir: () => Promise.resolve(null),
    readLink: () => Promise.resolve(null),
    exists: (p) => Promise.resolve(p in files),
    writeText: () => Promise.reject(new Error('read only')),
    writeFileAtomic: () => Promise.reject(new Error('read only')),
  };
  const runner: CommandRunner = {
    run: (command, args) => {
      calls.push([command, ...args].join(' '));
      return Promise.resolve({ exitCode: 0, stdout: '', stderr: '' });
    },
  };
  let defined: string | null = null;
  let state: 'running' | 'shut-off' | null = null;
  const driver = {
    kind: 'virsh',
    define: (xml: string) => {
      defined = xml;
      state = 'shut-off';
      calls.push('define');
      return Promise.resolve();
    },
    start: () => {
      calls.push('start');
      if (o.startFails === true)
        return Promise.reject(new VfleetError('COMMAND_FAILED', 'virsh start: no vfio'));
      state = o.crash === true ? 'shut-off' : 'running';
      return Promise.resolve();
    },
    destroy: () => {
      calls.push('destroy');
      state = 'shut-off';
      return Promise.resolve();
    },
    undefine: () => {
      calls.push('undefine');
      state = null;
      return Promise.resolve();
    },
    domainState: () => Promise.resolve(state),
  } as unknown as HypervisorDriver;
  const written: InitramfsFile[][] = [];
  const images: GuestImageWriter = {
    interpreterOf: () => Promise.resolve(null),
    writeInitramfs: (_out, f) => {
      written.push([...f]);
      return Promise.resolve();
    },
  };
  const folders: RunFolders = {
    make: (name) => {
      calls.push(`mkdir ${name}`);
      return Promise.resolve(`/run/vfleet/datapath/${name}`);
    },
    remove: (name) => {
      calls.push(`rm ${name}`);
      return Promise.resolve();
    },
  };
  const inv = inventory([
    pf(PF, {
      ifname: 'eth0',
      adminUp: true,
      localCpuList: [0, 1, 2, 3],
      vfs: Array.from({ length: o.vfs }, (_, i) =>
        vf(PF, i, {
          netdev: `eth${String(10 + i)}`,
          driver: 'igbvf',
          ...(o.vdpa === true && i < 2
            ? {
                representor: `eth0_${String(i)}`,
                vdpa: {
                  name: `vdpa${String(i)}`,
                  charDev: `/dev/vhost-vdpa-${String(i)}`,
                  driver: 'vhost_vdpa',
                  mac: `00:11:22:33:44:0${String(i)}`,
                },
              }
            : {}),
        }),
      ),
    }),
  ]);
  const events: ProgressEvent[] = [];
  const ctx = {
    io: { fs, runner, clock: { now: () => 0, sleep: () => Promise.resolve() } },
    images,
    folders,
    driver,
    virtType: 'kvm' as const,
    runId: '77',
    release: RELEASE,
    choice: chooseEndpoints(inv, {}),
    options: resolveBenchOptions({ frameSizes: '64' }),
    senderCpu: 3,
    linkMbps: 1000,
    progress: (e: ProgressEvent) => events.push(e),
    signal: new AbortController().signal,
  };
  return { ctx, calls, events, written, domain: () => defined };
}

describe('measureVmPaths', () => {
  it('says why a path is not measured: too few VFs, a module the kernel lacks, vDPA', async () => {
    const w = world({ vfs: 3, e1000: false, startFails: true });
    await expect(measureVmPaths(w.ctx, ['vf', 'e1000', 'vdpa', 'virtio'])).rejects.toThrow(
      'no vfio',
    );
    const skipped = w.events.filter((e) => e.status === 'skipped').map((e) => [e.step, e.detail]);
    expect(skipped).toEqual([
      ['vf', 'eth0 has 3 free VFs: the VM path needs four (two for the VM, two as endpoints)'],
      ['e1000', `the guest kernel ${RELEASE} has no module e1000`],
      [
        'vdpa',
        'eth0 has no two VFs with a vDPA device on vhost_vdpa, a MAC and a representor (switchdev mode; vfleet host apply makes them)',
      ],
    ]);
  });

  it('boots one VM for every path, with the host busybox and modules, pinned off the sender CPU', async () => {
    const w = world({ vfs: 4, e1000: true, startFails: true });
    await expect(measureVmPaths(w.ctx, ['vf', 'macvtap', 'vhost', 'e1000'])).rejects.toThrow();
    const xml = w.domain() ?? '';
    expect(xml).toContain('<name>vfleet-dp-77</name>');
    expect(xml).toContain('cpuset="0-2"');
    expect(xml.match(/<interface /g)).toHaveLength(8);
    expect(w.written[0]?.map((f) => f.path)).toEqual([
      '/init',
      '/bin/busybox',
      '/modules/001-igbvf.ko',
      '/modules/002-virtio_pci.ko',
      '/modules/003-virtio_net.ko',
      '/modules/004-e1000.ko',
    ]);
  });

  it('removes the VM, the bridges and the folder when the VM does not start', async () => {
    const w = world({ vfs: 2, e1000: true, startFails: true });
    await expect(measureVmPaths(w.ctx, ['virtio'])).rejects.toThrow('no vfio');
    expect(w.calls).toEqual([
      'mkdir vfleet-dp-77',
      'ip link add vd77vi type bridge',
      'ip link set dev vd77vi addrgenmode none',
      'ip link set dev vd77vi up',
      'ip link add vd77vo type bridge',
      'ip link set dev vd77vo addrgenmode none',
      'ip link set dev vd77vo up',
      'define',
      'start',
      'undefine',
      'ip link del dev vd77vi',
      'ip link del dev vd77vo',
      'rm vfleet-dp-77',
    ]);
  });

  it('fails with the end of the console when the VM stops before it is ready, and says what the guest said', async () => {
    const w = world({
      vfs: 2,
      e1000: true,
      crash: true,
      console:
        'Linux version 6.1\r\nvfleet-forwarder: insmod /modules/002-virtio_net.ko failed\r\nKernel panic - not syncing\r\n',
    });
    const e = await measureVmPaths(w.ctx, ['virtio']).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VfleetError);
    expect((e as VfleetError).message).toBe(
      'the forwarding VM vfleet-dp-77 stopped (shut-off); its console ended: Linux version 6.1 | vfleet-forwarder: insmod /modules/002-virtio_net.ko failed | Kernel panic - not syncing',
    );
    expect(w.events).toContainEqual({
      step: 'forwarder',
      status: 'info',
      detail: 'insmod /modules/002-virtio_net.ko failed',
    });
    expect(w.calls.slice(-4)).toEqual([
      'undefine',
      'ip link del dev vd77vi',
      'ip link del dev vd77vo',
      'rm vfleet-dp-77',
    ]);
  });

  it("gives the VM two vDPA devices with their own MACs, and faces them with their VFs' representors", async () => {
    const w = world({ vfs: 2, e1000: true, vdpa: true, startFails: true });
    await expect(measureVmPaths(w.ctx, ['vdpa'])).rejects.toThrow('no vfio');
    const xml = w.domain() ?? '';
    expect(xml).toMatch(
      /<interface type="vdpa">\s*<mac address="00:11:22:33:44:00"\/>\s*<source dev="\/dev\/vhost-vdpa-0"\/>/,
    );
    expect(xml).toContain(
      'vfleet.fwd=00:11:22:33:44:00@198.18.5.254/24,00:11:22:33:44:01@198.19.5.254/24',
    );
    expect(w.written[0]?.map((f) => f.path)).toEqual([
      '/init',
      '/bin/busybox',
      '/modules/001-virtio_pci.ko',
      '/modules/002-virtio_net.ko',
    ]);
  });

  it('stops waiting for the VM on Ctrl-C, and removes it, its bridges and folder', async () => {
    const w = world({ vfs: 2, e1000: true, console: 'booting\n' });
    const ctrlC = new AbortController();
    let sleeps = 0;
    const ctx = {
      ...w.ctx,
      signal: ctrlC.signal,
      io: {
        ...w.ctx.io,
        clock: {
          now: () => 0,
          sleep: () => {
            // The third look at the console: the operator presses Ctrl-C.
            if (++sleeps === 3) ctrlC.abort('SIGINT');
            return Promise.resolve();
          },
        },
      },
    };
    const e = await measureVmPaths(ctx, ['virtio']).catch((x: unknown) => x);
    expect((e as VfleetError).message).toMatch(/^stopped \(SIGINT\)/);
    expect(w.calls.slice(-6)).toEqual([
      'start',
      'destroy',
      'undefine',
      'ip link del dev vd77vi',
      'ip link del dev vd77vo',
      'rm vfleet-dp-77',
    ]);
  });
});
