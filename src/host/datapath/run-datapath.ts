import type { DatapathBenchOptions } from '../../core/datapath/bench-options.js';
import type {
  DatapathPath,
  DatapathReport,
  PathReport,
} from '../../core/datapath/datapath-report.js';
import {
  chooseEndpoints,
  type EndpointChoice,
  type EndpointWish,
} from '../../core/datapath/endpoint-choice.js';
import { netnsPair, type EndpointSource } from '../../core/datapath/netns-plan.js';
import type { GuestImageWriter, RunFolders } from '../../core/datapath/guest-image.js';
import { VfleetError } from '../../core/errors.js';
import { selectHypervisorDriver } from '../../adapters/virsh/select-driver.js';
import type { ProgressSink } from '../../core/ports.js';
import type { ApplyIo } from '../host-io.js';
import { scanHost } from '../scan.js';
import { interrupted, setUpAndMeasure, type PathContext } from './measure-path.js';
import { runFacts } from './run-facts.js';
import { removeStaleForwarders } from './stale-forwarder.js';
import { removeStaleNetns } from './stale-netns.js';
import { measureVmPaths } from './vm-paths.js';

export interface DatapathRequest {
  /** The host's name in the report; default: the host's own (the scan's hostname). */
  readonly host?: string | undefined;
  /** Names this run's namespaces; a number (the process id) so stale ones can be told apart. */
  readonly runId: string;
  readonly options: DatapathBenchOptions;
  readonly wish: EndpointWish;
  readonly progress: ProgressSink;
  /** Aborted on Ctrl-C: the run stops, tears down what it made and throws. */
  readonly signal: AbortSignal;
  /** What the forwarding VM's files are written with; absent: no VM paths (namespaces only). */
  readonly guest?: { readonly images: GuestImageWriter; readonly folders: RunFolders };
}

/** Without a link speed from the PF (a link that is down reads -1), the search starts at 10 Gbit/s. */
const DEFAULT_LINK_MBPS = 10_000;

const VM_ONLY = 'needs the forwarding VM (libvirt): this run measures between network namespaces';

/** Where a path's endpoints come from on this host, or why it is not measured. */
function sourceOf(path: DatapathPath, choice: EndpointChoice): EndpointSource | string {
  const pf = choice.pf.ifname;
  if (path === 'vf') {
    if (choice.vfs === null) return choice.vfsMissing ?? 'no free VFs';
    const { sender, receiver } = choice.vfs;
    return { kind: 'vf', pf, sender: sender.netdev ?? '', receiver: receiver.netdev ?? '' };
  }
  if (path === 'macvtap') return { kind: 'macvlan', pf };
  return VM_ONLY;
}

async function ensurePktgen(io: ApplyIo): Promise<void> {
  if (await io.fs.exists('/proc/net/pktgen')) return;
  const r = await io.runner.run('modprobe', ['pktgen']);
  if (r.exitCode !== 0)
    throw new VfleetError(
      'MISSING_DEPENDENCY',
      `the kernel's packet generator is missing (modprobe pktgen: ${r.stderr.trim()}); it needs CONFIG_NET_PKTGEN`,
      { module: 'pktgen' },
    );
}

/** The VF and macvtap paths between two namespaces, one at a time, each torn down before the next. */
async function measureNetnsPaths(
  ctx: PathContext,
  req: DatapathRequest,
  choice: EndpointChoice,
): Promise<PathReport[]> {
  const paths: PathReport[] = [];
  for (const path of req.options.paths) {
    if (req.signal.aborted) throw interrupted(req.signal);
    const source = sourceOf(path, choice);
    if (typeof source === 'string') {
      req.progress({ step: path, status: 'skipped', detail: source });
      paths.push({ path, skipped: source, endpoints: null, points: [], latency: [] });
      continue;
    }
    paths.push(await setUpAndMeasure(ctx, netnsPair(req.runId, path, source)));
  }
  return paths;
}

const cleaned = (req: DatapathRequest) => (what: string) => {
  req.progress({
    step: 'cleanup',
    status: 'ok',
    detail: `removed ${what}, left by a run that was killed`,
  });
};

/**
 * `vfleet bench datapath` on this host: every asked path measured through
 * one forwarding VM (where libvirt answers), or between two namespaces;
 * whatever a run makes is removed at its end, also on failure and on
 * Ctrl-C, and what a killed run left is removed at the start of the next.
 */
export async function runDatapathBench(io: ApplyIo, req: DatapathRequest): Promise<DatapathReport> {
  const started = io.clock.now();
  // First: a killed run's VFs sit in its namespaces, where the scan cannot see them.
  (await removeStaleNetns(io.runner, io.fs)).forEach(cleaned(req));
  const inv = await scanHost(io);
  const choice = chooseEndpoints(inv, req.wish);
  const facts = await runFacts(io.fs, inv, choice);
  await ensurePktgen(io);
  const ctx: PathContext = {
    io,
    options: req.options,
    senderCpu: facts.senderCpu,
    linkMbps: facts.linkMbps ?? DEFAULT_LINK_MBPS,
    progress: req.progress,
    signal: req.signal,
  };
  const vm = await forwarderHost(io, req);
  let paths: PathReport[];
  if (vm === null) paths = await measureNetnsPaths(ctx, req, choice);
  else {
    (await removeStaleForwarders(io, vm.driver, vm.folders)).forEach(cleaned(req));
    const release = inv.kernel ?? '';
    const vmCtx = { ...ctx, ...vm, io, runId: req.runId, release, choice };
    paths = await measureVmPaths(vmCtx, req.options.paths);
  }
  return {
    host: req.host ?? inv.hostname ?? 'localhost',
    kernel: facts.kernel,
    nic: facts.nic,
    driver: facts.driver,
    generator: facts.generator,
    pinning: facts.pinning,
    numa: facts.numa,
    emulated: facts.emulated,
    caveat: facts.caveat,
    acceptableLoss: req.options.acceptableLoss,
    trialDurationMs: req.options.trialDurationMs,
    paths,
    startedAt: new Date(started).toISOString(),
    durationS: Math.round((io.clock.now() - started) / 1000),
  };
}

/**
 * libvirt for the forwarding VM, or null to measure between namespaces:
 * `--via netns`, or `auto` where libvirt does not answer (said as
 * progress). `--via vm` without libvirt is an error.
 */
async function forwarderHost(io: ApplyIo, req: DatapathRequest) {
  const { via } = req.options;
  if (via === 'netns') return null;
  const refuse = (why: string) => {
    if (via === 'vm')
      throw new VfleetError('MISSING_DEPENDENCY', `--via vm: ${why}`, { field: 'via' });
    req.progress({
      step: 'datapath',
      status: 'info',
      detail: `${why}: measuring between network namespaces`,
    });
    return null;
  };
  if (req.guest === undefined) return refuse('this build cannot write the forwarding VM');
  const selected = await selectHypervisorDriver(io.runner);
  if (selected.fallbackReason !== null || selected.virtType === null)
    return refuse(
      `no forwarding VM: ${selected.fallbackReason ?? 'libvirt can start no domain here'}`,
    );
  return { ...req.guest, driver: selected.driver, virtType: selected.virtType };
}
