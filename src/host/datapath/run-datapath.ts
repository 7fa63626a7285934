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
import { VfleetError } from '../../core/errors.js';
import type { ProgressSink } from '../../core/ports.js';
import type { ApplyIo } from '../host-io.js';
import { scanHost } from '../scan.js';
import { interrupted, measurePath } from './measure-path.js';
import { runIp } from './netns-io.js';
import { runFacts } from './run-facts.js';
import { removeStaleNetns } from './stale-netns.js';

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
}

/** Without a link speed from the PF (a link that is down reads -1), the search starts at 10 Gbit/s. */
const DEFAULT_LINK_MBPS = 10_000;

/** How long a failed command waits for the signal that may have killed it. */
const SIGNAL_GRACE_MS = 250;

const VM_ONLY =
  'needs a VM on each end (libvirt): not measured with network namespaces, which this run uses';

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

/**
 * `vfleet bench datapath` on this host: every asked path measured between
 * two endpoints in network namespaces, one path at a time, each torn down
 * before the next (also on failure and on Ctrl-C).
 */
export async function runDatapathBench(io: ApplyIo, req: DatapathRequest): Promise<DatapathReport> {
  const started = io.clock.now();
  // First: a killed run's VFs sit in its namespaces, where the scan cannot see them.
  for (const ns of await removeStaleNetns(io.runner, io.fs))
    req.progress({
      step: 'cleanup',
      status: 'ok',
      detail: `removed ${ns}, left by a run that was killed`,
    });
  const inv = await scanHost(io);
  const choice = chooseEndpoints(inv, req.wish);
  const facts = await runFacts(io.fs, inv, choice);
  await ensurePktgen(io);
  const ctx = {
    io,
    options: req.options,
    senderCpu: facts.senderCpu,
    linkMbps: facts.linkMbps ?? DEFAULT_LINK_MBPS,
    progress: req.progress,
    signal: req.signal,
  };
  const paths: PathReport[] = [];
  for (const path of req.options.paths) {
    if (req.signal.aborted) throw interrupted(req.signal);
    const source = sourceOf(path, choice);
    if (typeof source === 'string') {
      req.progress({ step: path, status: 'skipped', detail: source });
      paths.push({ path, skipped: source, endpoints: null, points: [], latency: [] });
      continue;
    }
    const pair = netnsPair(req.runId, path, source);
    req.progress({ step: path, status: 'start', detail: pair.description });
    try {
      for (const argv of pair.setup) await runIp(io.runner, argv);
      paths.push(await measurePath(ctx, pair));
    } catch (e) {
      // Ctrl-C reaches the whole process group: a child (pktgen's writer)
      // can die of it before this process hears the signal itself.
      // (A call, not the property: the sleep may change what it reads.)
      const aborted = () => req.signal.aborted;
      if (!aborted()) await io.clock.sleep(SIGNAL_GRACE_MS);
      throw aborted() ? interrupted(req.signal) : e;
    } finally {
      for (const argv of pair.teardown) await runIp(io.runner, argv).catch(() => undefined);
    }
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
