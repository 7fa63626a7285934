import type { Command } from 'commander';
import { z } from 'zod';
import { VfleetError } from '../core/errors.js';
import { parseInput } from '../core/validation.js';
import type { OutputFormat } from '../core/vocabulary.js';
import type { Lab } from '../lab/lab.js';
import { LAB_KERNELS } from '../lab/lab-options.js';
import type { CliDeps } from './cli-deps.js';
import { outputOption } from './common-options.js';
import { loadLab } from './load-lab.js';
import { renderData, renderTable } from './output.js';
import { ExitCode } from './exit-code.js';

const timeoutSchema = z.coerce.number().int().min(1).max(86_400).default(600);

interface NameOpt {
  readonly name?: string;
}

export function registerLabCommands(program: Command, deps: CliDeps): void {
  const lab = program
    .command('lab')
    .description('real-kernel SR-IOV lab: QEMU guests with igb PFs (7 VFs each), stock drivers')
    .enablePositionalOptions();
  const api = (): Promise<Lab> => loadLab(deps, 'vfleet lab: ');
  const nameOption = '--name <name>';
  const KERNEL_OPTION = '--kernel <stock|vdpa>';
  const KERNEL_HELP =
    "guest kernel: stock (Debian's default) or vdpa (Debian's 6.12 with netdevsim and vdpa_sim_net built for it)";
  const nameHelp = 'lab instance name (default: default)';

  lab
    .command('build')
    .description(
      'install the host tools if missing and build the guest kernel + initramfs (cached)',
    )
    .option(KERNEL_OPTION, KERNEL_HELP, 'stock')
    .action(async (o: { kernel: string }) => {
      const kernel = parseInput(z.enum(LAB_KERNELS), o.kernel, 'lab build --kernel');
      const image = await (await api()).build(kernel);
      deps.out(
        `lab image ${image.key}: kernel ${image.release}${image.reused ? ' (cached)' : ''}\n`,
      );
    });

  lab
    .command('up')
    .description(
      'boot a lab guest in the background; returns when its PFs are probed and its agent answers',
    )
    .option('--pfs <n>', 'igb PFs (1-8)', '2')
    .option('--vfs-max <m>', 'recorded only: igb always offers 7 VFs per PF')
    .option('--numa <n>', 'NUMA nodes, 1 or 2 (with 2, every second PF is on node 1)', '1')
    .option('--iommu <on|off>', 'emulated Intel IOMMU', 'on')
    .option(nameOption, nameHelp)
    .option('--memory <mb>', 'guest memory in MiB', '1024')
    .option(KERNEL_OPTION, KERNEL_HELP, 'stock')
    .option(
      '--libvirt',
      "libvirtd in the guest (the host's own libvirt and QEMU, over a read-only share of /usr)",
    )
    .addOption(outputOption())
    .action(
      async (
        o: Record<string, string | undefined> & { output: OutputFormat; libvirt?: boolean },
      ) => {
        const format = o.output;
        const r = await (
          await api()
        ).up({
          name: o.name,
          pfs: o.pfs,
          vfsMax: o.vfsMax,
          numa: o.numa,
          iommu: o.iommu,
          memory: o.memory,
          kernel: o.kernel,
          libvirt: o.libvirt === true,
        });
        if (format !== 'table') deps.out(renderData(format, r));
        else
          deps.out(
            `lab ${r.name} is up: pid ${r.pid}, ready in ${(r.bootMs / 1000).toFixed(1)} s\n`,
          );
      },
    );

  lab
    .command('run')
    .description('run a command in a lab guest; prints its output and exits with its exit status')
    .option(nameOption, nameHelp)
    .option('--timeout <s>', 'kill the command after this many seconds', '600')
    .argument('<command...>', 'the command and its arguments (after --)')
    .passThroughOptions()
    .action(async (argv: string[], o: NameOpt & { timeout?: string }) => {
      const timeoutS = parseInput(timeoutSchema, o.timeout, 'lab run --timeout');
      const r = await (
        await api()
      ).run(argv, {
        ...(o.name === undefined ? {} : { name: o.name }),
        timeoutMs: timeoutS * 1000,
      });
      deps.out(r.stdout);
      deps.err(r.stderr);
      if (r.timedOut) {
        throw new VfleetError(
          'TIMEOUT',
          `the command did not finish in ${timeoutS} s and was killed`,
          { field: 'timeout' },
        );
      }
      // The guest command's exit status is this command's.
      if (r.exitCode !== 0) throw new ExitCode(r.exitCode);
    });

  lab
    .command('reboot')
    .description(
      'reboot a lab guest (kernel state resets; /etc/vfleet persists); returns when ready',
    )
    .option(nameOption, nameHelp)
    .action(async (o: NameOpt) => {
      const r = await (await api()).reboot(o.name);
      deps.out(`lab ${r.name} rebooted: ready in ${(r.bootMs / 1000).toFixed(1)} s\n`);
    });

  lab
    .command('down')
    .description('stop a lab guest and remove its files')
    .option(nameOption, nameHelp)
    .action(async (o: NameOpt) => {
      const r = await (await api()).down(o.name);
      deps.out(`lab ${r.name} is down${r.stopped ? '' : ' (it was not running)'}\n`);
    });

  lab
    .command('status')
    .description('list lab instances')
    .addOption(outputOption())
    .action(async (o: { output: OutputFormat }) => {
      const format = o.output;
      const labs = await (await api()).status();
      if (format !== 'table') {
        deps.out(renderData(format, labs));
        return;
      }
      const rows = labs.map((l) => [
        l.name,
        l.running ? 'running' : 'stopped',
        l.pid,
        l.uptimeS === null ? null : `${l.uptimeS}s`,
        l.options.pfs,
        l.options.numa,
        l.options.iommu,
        `${l.options.memory}M`,
        l.readyMs === null ? null : `${(l.readyMs / 1000).toFixed(1)}s`,
      ]);
      deps.out(
        renderTable(
          ['name', 'state', 'pid', 'uptime', 'pfs', 'numa', 'iommu', 'memory', 'ready'],
          rows,
        ),
      );
    });
}
