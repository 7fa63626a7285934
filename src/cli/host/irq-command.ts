import type { Command } from 'commander';
import { VfleetError } from '../../core/errors.js';
import { formatCpuList } from '../../core/libvirt/cpu-list.js';
import { pinVfIrqs, type IrqPinReport } from '../../host/irq-affinity.js';
import type { CliDeps } from '../cli-deps.js';
import type { HostCommandOptions } from '../common-options.js';
import { hostRootOption, outputOption } from '../common-options.js';
import { renderData, renderTable } from '../output.js';

interface PinIrqsCliOptions extends HostCommandOptions {
  readonly dryRun?: boolean;
  readonly vf?: string[];
}

const list = (cpus: readonly number[] | null) => (cpus === null ? null : formatCpuList(cpus));

export function renderIrqReport(r: IrqPinReport): string {
  if (r.pins.length === 0) return 'No VF is used as a host netdev; nothing to pin.\n';
  const table = renderTable(
    ['vf', 'netdev', 'numa', 'irq', 'from', 'to', 'result', 'detail'],
    r.pins.map((p) => [
      p.vf,
      p.netdev,
      p.numaNode,
      p.irq,
      list(p.current),
      list(p.desired),
      p.result,
      p.detail,
    ]),
  );
  const verb = r.dryRun ? 'would change' : 'changed';
  const count = r.dryRun ? r.pins.filter((p) => p.result === 'would-change').length : r.changed;
  return `${table}${count} IRQ(s) ${verb}, ${r.failed} failed.\n`;
}

/** `vfleet host pin-irqs`: VF interrupts on the CPUs of the VF's NUMA node. */
export function registerIrqCommand(host: Command, deps: CliDeps): void {
  host
    .command('pin-irqs')
    .description(
      "pin the MSI interrupts of VFs used as host netdevs to their NUMA node's CPUs (/proc/irq/N/smp_affinity_list)",
    )
    .addOption(hostRootOption())
    .addOption(outputOption())
    .option('--dry-run', 'show what would change and write nothing')
    .option('--vf <pci...>', 'only these VFs (PCI addresses); default every VF host netdev')
    .action(async (opts: PinIrqsCliOptions) => {
      const report = await pinVfIrqs(
        { fs: deps.hostFs(opts.hostRoot), runner: deps.runner },
        { dryRun: opts.dryRun === true, ...(opts.vf === undefined ? {} : { vfs: opts.vf }) },
      );
      deps.out(opts.output === 'table' ? renderIrqReport(report) : renderData(opts.output, report));
      if (report.failed > 0) {
        throw new VfleetError(
          'PARTIAL_APPLY',
          `${report.failed} IRQ(s) could not be pinned; see the DETAIL column`,
          { failed: report.pins.filter((p) => p.result === 'failed').map((p) => p.irq) },
        );
      }
    });
}
