import type { Command } from 'commander';
import { resolveBenchOptions, type RawBenchOptions } from '../../core/datapath/bench-options.js';
import { datapathRoutes } from '../../api/routes/datapath.js';
import {
  DATAPATH_PATHS,
  FRAME_SIZES,
  type DatapathReport,
} from '../../core/datapath/datapath-report.js';
import type { ProgressSink } from '../../core/ports.js';
import { runDatapathBench } from '../../host/datapath/run-datapath.js';
import type { CliDeps } from '../cli-deps.js';
import { hostRootOption, outputOption, type HostCommandOptions } from '../common-options.js';
import { connect } from '../fleet-options.js';
import { renderData } from '../output.js';
import { writeReportFiles } from './chart-files.js';
import { renderDatapathReport } from './datapath-render.js';

interface DatapathCliOptions extends HostCommandOptions, RawBenchOptions {
  readonly host?: string;
  readonly pf?: string;
  readonly vfs?: string;
  readonly out?: string;
  readonly upload?: boolean;
  readonly controller?: string;
  readonly token?: string;
  readonly tokenFile?: string;
}

/**
 * The report to the controller, under the host's name, for the dashboard's
 * host page: with the host agent's token (an agent may store its own
 * host's reports) or an admin's.
 */
async function upload(deps: CliDeps, o: DatapathCliOptions, report: DatapathReport): Promise<void> {
  const api = await connect(deps, { ...o, output: o.output });
  const stored = await api.call(datapathRoutes.upload, {
    params: { id: report.host },
    body: report,
  });
  deps.err(`vfleet bench: uploaded: report ${stored.id} for host ${report.host}\n`);
}

/** `vfleet bench datapath`: RFC 2544 throughput and latency per datapath, between two namespaces. */
export function registerDatapathCommand(bench: Command, deps: CliDeps): void {
  bench
    .command('datapath')
    .description(
      "RFC 2544 throughput (binary search for the highest rate without loss) and latency per datapath and frame size, with the kernel's pktgen between two endpoints on this host; removes everything it made, also on Ctrl-C",
    )
    .option(
      '--host <name>',
      "the host's name in the report and for --upload (default: its hostname); the bench measures the machine it runs on",
    )
    .option(
      '--pf <netdev>',
      'the PF to measure on (default: the first PF that is up with two free VFs)',
    )
    .option(
      '--vfs <sender,receiver>',
      'the two VF netdevs to borrow (default: two that are down on the PF)',
    )
    .option('--paths <list>', `paths to measure: ${DATAPATH_PATHS.join(',')} (default: all)`)
    .option('--frame-sizes <list>', `frame sizes in bytes (default: ${FRAME_SIZES.join(',')})`)
    .option(
      '--via <how>',
      'vm: every path through a forwarding VM (libvirt); netns: vf and macvtap between two namespaces; auto: vm where libvirt answers (default)',
    )
    .option('--vm-vcpus <n>', "the forwarding VM's vCPUs, on the NIC's NUMA node (default: 2)")
    .option('--vm-memory <MiB>', "the forwarding VM's memory (default: 512)")
    .option(
      '--guest-kernel <file>',
      "the kernel the forwarding VM boots; its modules must be the running kernel's (default: /boot/vmlinuz-$(uname -r))",
    )
    .option('--duration <s>', 'seconds each trial sends (default: 10; RFC 2544 says 60)')
    .option('--max-trials <n>', 'trials per frame size at most (default: 30)')
    .option('--acceptable-loss <ratio>', 'loss ratio a trial may have and still pass (default: 0)')
    .option(
      '--latency-load <fraction>',
      'load during latency probes, as a fraction of the throughput rate (default: 0.9)',
    )
    .option('--latency-samples <n>', 'latency probes per frame size (default: 100)')
    .option('--out <dir>', 'also write report.json and the charts (SVG and PNG) under DIR')
    .option('--upload', "send the report to the controller: the dashboard's host page shows it")
    .option(
      '--controller <url>',
      'with --upload: controller URL (default: $VFLEET_URL, else the local one)',
    )
    .option(
      '--token <token>',
      "with --upload: bearer token, the host agent's or an admin's (default: $VFLEET_TOKEN)",
    )
    .option('--token-file <file>', 'with --upload: read the bearer token from FILE')
    .addOption(hostRootOption())
    .addOption(outputOption())
    .action(async (o: DatapathCliOptions) => {
      const options = resolveBenchOptions(o);
      const interrupt = new AbortController();
      void deps.fleet?.untilStopped().then((sig) => {
        deps.err(`vfleet bench: ${sig}: stopping and cleaning up\n`);
        interrupt.abort(sig);
      });
      const progress: ProgressSink = (e) => {
        const detail = e.detail === undefined || e.detail === '' ? '' : `: ${e.detail}`;
        deps.err(`vfleet bench: ${e.step}: ${e.status}${detail}\n`);
      };
      progress({
        step: 'datapath',
        status: 'info',
        detail: `${options.paths.join(',')} at ${options.frameSizes.join(',')} B; each trial sends ${String(options.trialDurationMs / 1000)} s, up to ${String(options.maxTrials)} trials per frame size`,
      });
      const report = await runDatapathBench(
        { fs: deps.hostFs(o.hostRoot), runner: deps.runner, clock: deps.clock },
        {
          host: o.host,
          // The process id names the run's namespaces: a later run can tell ours were left by a dead run.
          runId: String(process.pid),
          options,
          wish: {
            ...(o.pf === undefined ? {} : { pf: o.pf }),
            ...(o.vfs === undefined ? {} : { vfs: o.vfs.split(',') }),
          },
          progress,
          signal: interrupt.signal,
          ...(deps.guest === undefined ? {} : { guest: deps.guest }),
        },
      );
      if (o.out !== undefined)
        for (const path of await writeReportFiles(deps, o.out, report))
          deps.err(`vfleet bench: wrote ${path}\n`);
      deps.out(o.output === 'table' ? renderDatapathReport(report) : renderData(o.output, report));
      if (o.upload === true) await upload(deps, o, report);
    });
}
