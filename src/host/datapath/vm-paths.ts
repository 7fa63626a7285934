import type { DatapathPath, PathReport } from '../../core/datapath/datapath-report.js';
import type { EndpointChoice } from '../../core/datapath/endpoint-choice.js';
import type { GuestImageWriter, RunFolders } from '../../core/datapath/guest-image.js';
import {
  forwarderName,
  planVmPaths,
  type VdpaEnd,
  type VmPathSource,
} from '../../core/datapath/vm-path-plan.js';
import type { HypervisorDriver } from '../../core/libvirt/hypervisor-driver.js';
import type { VirtType } from '../../core/libvirt/hypervisor-facts.js';
import { VfleetError } from '../../core/errors.js';
import type { ApplyIo } from '../host-io.js';
import { bootForwarder, guestFiles, removeForwarder } from './forwarder.js';
import { guestModules } from './guest-modules.js';
import { interrupted, setUpAndMeasure, type PathContext } from './measure-path.js';
import { runIp } from './netns-io.js';

export interface VmPathsContext extends PathContext {
  readonly io: ApplyIo;
  readonly images: GuestImageWriter;
  readonly folders: RunFolders;
  readonly driver: HypervisorDriver;
  readonly virtType: VirtType;
  readonly runId: string;
  /** The running kernel's release: the guest loads its modules. */
  readonly release: string;
  readonly choice: EndpointChoice;
}

/** The PF's VFs that can carry the vdpa path: a vDPA device on vhost-vdpa with a MAC, and a representor. */
function vdpaEnds(choice: EndpointChoice): VdpaEnd[] {
  return choice.pf.vfs.flatMap((v) =>
    v.vdpa?.charDev != null && v.vdpa.mac !== null && v.representor !== null
      ? [{ charDev: v.vdpa.charDev, mac: v.vdpa.mac.toLowerCase(), representor: v.representor }]
      : [],
  );
}

const VIRTIO = ['virtio_pci', 'virtio_net'];

/** Where a path's four ends come from, or why it is not measured. */
function sourceOf(
  path: DatapathPath,
  choice: EndpointChoice,
  vhostNet: boolean,
): VmPathSource | string {
  const pf = choice.pf.ifname;
  switch (path) {
    case 'vf': {
      const [a, b] = choice.spare;
      if (choice.vfs === null) return choice.vfsMissing ?? 'no free VFs';
      if (a === undefined || b === undefined)
        return `${pf} has ${String(2 + choice.spare.length)} free VFs: the VM path needs four (two for the VM, two as endpoints)`;
      const { sender, receiver } = choice.vfs;
      return {
        kind: 'vf',
        pf,
        vmVfs: [a.pciAddress, b.pciAddress],
        sender: sender.netdev ?? '',
        receiver: receiver.netdev ?? '',
      };
    }
    case 'macvtap':
      return { kind: 'macvtap', pf };
    case 'vhost':
      return vhostNet
        ? { kind: 'tap', model: 'virtio', vhost: true }
        : 'no /dev/vhost-net on this host (modprobe vhost_net failed)';
    case 'virtio':
      return { kind: 'tap', model: 'virtio', vhost: false };
    case 'e1000':
      return { kind: 'tap', model: 'e1000', vhost: false };
    case 'vdpa': {
      const [a, b] = vdpaEnds(choice);
      if (a === undefined || b === undefined)
        return `${pf} has no two VFs with a vDPA device on vhost_vdpa, a MAC and a representor (switchdev mode; vfleet host apply makes them)`;
      return { kind: 'vdpa', pf, vm: [a, b] };
    }
  }
}

/** The guest modules a path's VM ports need. */
function modulesOf(path: DatapathPath, choice: EndpointChoice): string[] {
  if (path === 'vf') {
    const driver = choice.spare[0]?.driver;
    return driver === null || driver === undefined ? [] : [driver];
  }
  return path === 'e1000' ? ['e1000'] : VIRTIO;
}

async function vhostNetReady(io: ApplyIo): Promise<boolean> {
  if (await io.fs.exists('/dev/vhost-net')) return true;
  await io.runner.run('modprobe', ['vhost_net']).catch(() => null);
  return io.fs.exists('/dev/vhost-net');
}

const skip = (path: DatapathPath, reason: string): PathReport => ({
  path,
  skipped: reason,
  endpoints: null,
  points: [],
  latency: [],
});

/**
 * Every asked path through one forwarding VM: its ports are made for every
 * path at once (one boot), then each path's namespaces are set up, measured
 * and torn down in turn. The VM, the bridges and the run's folder go at the
 * end, also on failure and Ctrl-C.
 */
export async function measureVmPaths(
  ctx: VmPathsContext,
  paths: readonly DatapathPath[],
): Promise<PathReport[]> {
  const { io, choice } = ctx;
  const vhostNet = paths.includes('vhost') && (await vhostNetReady(io));
  const sources = new Map<DatapathPath, VmPathSource | string>();
  for (const p of paths) sources.set(p, sourceOf(p, choice, vhostNet));
  const wanted = [
    ...new Set(
      paths.flatMap((p) => (typeof sources.get(p) === 'string' ? [] : modulesOf(p, choice))),
    ),
  ];
  const modules = await guestModules(io.fs, ctx.release, wanted);
  for (const p of paths) {
    const gone = modulesOf(p, choice).filter((m) => modules.missing.includes(m));
    if (typeof sources.get(p) !== 'string' && gone.length > 0)
      sources.set(p, `the guest kernel ${ctx.release} has no module ${gone.join(', ')}`);
  }
  const measured = paths.flatMap((path) => {
    const source = sources.get(path);
    return source === undefined || typeof source === 'string' ? [] : [{ path, source }];
  });
  const reports = new Map<DatapathPath, PathReport>();
  for (const p of paths) {
    const s = sources.get(p);
    if (typeof s === 'string') {
      ctx.progress({ step: p, status: 'skipped', detail: s });
      reports.set(p, skip(p, s));
    }
  }
  if (measured.length > 0) {
    const plan = planVmPaths(ctx.runId, measured);
    const name = forwarderName(ctx.runId);
    const kernel = ctx.options.vm.kernel ?? `/boot/vmlinuz-${ctx.release}`;
    if (!(await io.fs.exists(kernel)))
      throw new VfleetError('MISSING_DEPENDENCY', `--guest-kernel: ${kernel} does not exist`, {
        field: 'guest-kernel',
      });
    const cpuset = choice.pf.localCpuList.filter((c) => c !== ctx.senderCpu);
    const files = await guestFiles(io, ctx.images, modules.files);
    const where = `VM ${name} (${String(ctx.options.vm.vcpus)} vCPU${ctx.options.vm.vcpus === 1 ? '' : 's'}${cpuset.length > 0 ? ` on CPUs ${cpuset.join(',')}` : ''}, ${ctx.virtType})`;
    try {
      const dir = await ctx.folders.make(name);
      const initrd = `${dir}/initrd`;
      await ctx.images.writeInitramfs(initrd, files);
      for (const argv of plan.hostSetup) await runIp(io.runner, argv);
      ctx.progress({ step: 'forwarder', status: 'start', detail: `booting ${where}` });
      await bootForwarder(ctx, {
        name,
        virtType: ctx.virtType,
        kernel,
        initrd,
        console: `${dir}/console.log`,
        vcpus: ctx.options.vm.vcpus,
        memoryMiB: ctx.options.vm.memoryMiB,
        cpuset: cpuset.length > 0 ? cpuset : null,
        ports: plan.ports,
      });
      for (const pair of plan.pairs) {
        if (ctx.signal.aborted) throw interrupted(ctx.signal);
        const through = { ...pair, description: `${pair.description}; through ${where}` };
        reports.set(pair.path, await setUpAndMeasure(ctx, through));
      }
    } finally {
      await removeForwarder(ctx.driver, name);
      for (const argv of plan.hostTeardown) await runIp(io.runner, argv).catch(() => undefined);
      await ctx.folders.remove(name).catch(() => undefined);
    }
  }
  return paths.map((p) => reports.get(p) ?? skip(p, 'not measured'));
}
