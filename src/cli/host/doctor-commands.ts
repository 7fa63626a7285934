import type { Command } from 'commander';
import { doctorExitCode, runDoctor } from '../../core/doctor/run-doctor.js';
import { VfleetError } from '../../core/errors.js';
import { explainText } from '../../core/knowledge/knowledge-base.js';
import { gatherDoctorInput } from '../../host/doctor.js';
import type { CliDeps } from '../cli-deps.js';
import type { HostCommandOptions } from '../common-options.js';
import { hostRootOption, outputOption } from '../common-options.js';
import { explainData, renderDoctorReport, renderExplain } from './doctor-render.js';
import { renderData } from '../output.js';
import { ExitCode } from '../exit-code.js';

/** `vfleet host doctor` and `vfleet host explain`. */
export function registerDoctorCommands(host: Command, deps: CliDeps): void {
  host
    .command('doctor')
    .description(
      'check this host for SR-IOV: IOMMU, firmware, PFs, VFs, drivers, NUMA, known kernel errors; ' +
        'exit 0 when nothing is an error, 1 when some finding is an error',
    )
    .addOption(hostRootOption())
    .addOption(outputOption())
    .action(async (opts: HostCommandOptions) => {
      const input = await gatherDoctorInput({
        fs: deps.hostFs(opts.hostRoot),
        runner: deps.runner,
      });
      const report = runDoctor(input);
      deps.out(
        opts.output === 'table' ? renderDoctorReport(report) : renderData(opts.output, report),
      );
      const code = doctorExitCode(report);
      if (code !== 0) throw new ExitCode(code);
    });

  host
    .command('explain')
    .description('explain a kernel, libvirt, OpenStack or iproute2 error message: cause and fix')
    .argument('<text...>', 'the error text (quote it, or pass it as several words)')
    .addOption(outputOption())
    .action((words: string[], opts: Pick<HostCommandOptions, 'output'>) => {
      const text = words.join(' ').trim();
      if (text === '')
        throw new VfleetError('INVALID_INPUT', 'explain: give the error text to look up', {
          field: 'text',
        });
      const matches = explainText(text);
      if (matches.length === 0)
        throw new VfleetError(
          'NOT_FOUND',
          `no known error matches "${text.length > 80 ? `${text.slice(0, 77)}...` : text}": try the most specific part of the message (without addresses or numbers), or run vfleet host doctor`,
          { field: 'text' },
        );
      deps.out(
        opts.output === 'table'
          ? renderExplain(matches)
          : renderData(opts.output, explainData(text, matches)),
      );
    });
}
