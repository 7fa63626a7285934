import { Option, type Command } from 'commander';
import { join, resolve } from 'node:path';
import { VfleetError } from '../../core/errors.js';
import type { ApplyReport } from '../../core/plan/apply-report.js';
import { countByStatus } from '../../core/plan/apply-report.js';
import { computeHostPlan } from '../../core/plan/compute-plan.js';
import { parseStateText } from '../../core/plan/parse-state-text.js';
import { renderPlan } from '../../core/plan/render-plan.js';
import { applyHostState, type ApplyOptions } from '../../host/apply/apply-host-state.js';
import { installBoot } from '../../host/apply/install-boot.js';
import { restoreHostState } from '../../host/apply/restore.js';
import type { ApplyIo } from '../../host/host-io.js';
import { scanHost } from '../../host/scan.js';
import type { CliDeps } from '../cli-deps.js';
import type { HostCommandOptions } from '../common-options.js';
import { hostRootOption, outputOption } from '../common-options.js';
import { progressLine, renderApplyReport, renderInstallBoot } from './state-render.js';
import { renderData } from '../output.js';
import { ExitCode } from '../exit-code.js';

interface FileOptions extends HostCommandOptions {
  readonly file: string;
}
interface ApplyCliOptions extends HostCommandOptions {
  readonly force?: boolean;
  readonly wait?: number;
}

const fileOption = () =>
  new Option(
    '-f, --file <file>',
    'state file, YAML or JSON (docs/host-state.md)',
  ).makeOptionMandatory();

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) {
    throw new VfleetError(
      'INVALID_INPUT',
      `--wait: "${value}" is not a number of seconds (0 < s <= 3600)`,
      { field: 'wait' },
    );
  }
  return n;
}
const waitOption = () =>
  new Option('--wait <seconds>', 'how long to wait for new VFs to appear and bind')
    .argParser(parseSeconds)
    .default(30);
const forceOption = () =>
  new Option('--force', 'change VFs even when they are in use (see docs/host-state.md)');

/** Reads the -f file (relative to the working directory) and returns its text. */
async function readStateFile(deps: CliDeps, file: string): Promise<string> {
  const path = resolve(file);
  const text = await deps.hostFs('/').readText(path);
  if (text === null)
    throw new VfleetError('NOT_FOUND', `state file ${file} does not exist`, {
      field: 'file',
      path,
    });
  return text;
}

const hostIo = (deps: CliDeps, hostRoot: string): ApplyIo => ({
  fs: deps.hostFs(hostRoot),
  runner: deps.runner,
  clock: deps.clock,
});

function applyOptions(deps: CliDeps, opts: ApplyCliOptions): ApplyOptions {
  return {
    force: opts.force === true,
    vfWaitMs: (opts.wait ?? 30) * 1000,
    onProgress: (e) => {
      const line = progressLine(e);
      if (line !== null) deps.err(line);
    },
  };
}

/** Prints the report, then fails PARTIAL_APPLY when the host did not reach the state. */
function finishApply(deps: CliDeps, opts: HostCommandOptions, report: ApplyReport): void {
  deps.out(opts.output === 'table' ? renderApplyReport(report) : renderData(opts.output, report));
  if (report.converged) return;
  const c = countByStatus(report.steps);
  throw new VfleetError(
    'PARTIAL_APPLY',
    `the host does not match the state yet: ${c.failed} step(s) failed, ${c.unsupported} setting(s) unsupported by the driver; fix the cause (or the state) and run apply again`,
    { failed: report.steps.filter((s) => s.status === 'failed' || s.status === 'unsupported') },
  );
}

/** `vfleet host plan|apply|install-boot|restore`: the declared host state. */
export function registerStateCommands(host: Command, deps: CliDeps): void {
  host
    .command('plan')
    .description(
      'show what apply would change to reach the state in FILE; --exit-code: exit 1 when changes are pending',
    )
    .addOption(fileOption())
    .addOption(hostRootOption())
    .addOption(outputOption())
    .option('--exit-code', 'exit 0 when the host matches the state, 1 when changes are pending')
    .action(async (opts: FileOptions & { exitCode?: boolean }) => {
      const state = parseStateText(await readStateFile(deps, opts.file), opts.file);
      const plan = computeHostPlan(
        state,
        await scanHost(hostIo(deps, opts.hostRoot), { names: false }),
      );
      deps.out(opts.output === 'table' ? renderPlan(plan) : renderData(opts.output, plan));
      if (opts.exitCode === true && plan.changes > 0) throw new ExitCode(1);
    });

  host
    .command('apply')
    .description(
      'change this host to the state in FILE: VF counts, drivers, VF settings; safe and idempotent',
    )
    .addOption(fileOption())
    .addOption(hostRootOption())
    .addOption(outputOption())
    .addOption(forceOption())
    .addOption(waitOption())
    .action(async (opts: FileOptions & ApplyCliOptions) => {
      const state = parseStateText(await readStateFile(deps, opts.file), opts.file);
      const report = await applyHostState(
        state,
        hostIo(deps, opts.hostRoot),
        applyOptions(deps, opts),
      );
      finishApply(deps, opts, report);
    });

  host
    .command('install-boot')
    .description(
      'save the state in FILE and install vfleet-restore.service, which applies it at every boot',
    )
    .addOption(fileOption())
    .addOption(hostRootOption())
    .addOption(outputOption())
    .action(async (opts: FileOptions) => {
      const text = await readStateFile(deps, opts.file);
      const report = await installBoot(text, hostIo(deps, opts.hostRoot), {
        nodePath: deps.nodePath,
        vfleetBin: join(deps.installDir, 'bin', 'vfleet.js'),
        liveHost: resolve(opts.hostRoot) === '/',
        source: opts.file,
      });
      deps.out(
        opts.output === 'table' ? renderInstallBoot(report) : renderData(opts.output, report),
      );
    });

  host
    .command('restore')
    .description('apply the state saved by install-boot (run at boot by vfleet-restore.service)')
    .addOption(hostRootOption())
    .addOption(outputOption())
    .addOption(forceOption())
    .addOption(waitOption())
    .action(async (opts: ApplyCliOptions) => {
      const report = await restoreHostState(hostIo(deps, opts.hostRoot), applyOptions(deps, opts));
      finishApply(deps, opts, report);
    });
}
