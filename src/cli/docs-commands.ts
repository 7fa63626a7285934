import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliDeps } from './cli-deps.js';
import { bashCompletion, zshCompletion } from './completion.js';
import { manPage } from './man-pages.js';

const SHELLS = ['bash', 'zsh'] as const;

/** `vfleet completion` and `vfleet man`: generated from the command tree as it is when they run. */
export function registerDocsCommands(program: Command, deps: CliDeps): void {
  program
    .command('completion')
    .description('print a shell completion script: bash|zsh')
    .addArgument(
      program.createArgument('<shell>', `the shell: ${SHELLS.join('|')}`).choices(SHELLS),
    )
    .action((shell: (typeof SHELLS)[number]) => {
      deps.out(shell === 'bash' ? bashCompletion(program) : zshCompletion(program));
    });
  program
    .command('man')
    .description('print the vfleet(1) man page (roff), or write it as DIR/vfleet.1')
    .addOption(new Option('--dir <dir>', 'write vfleet.1 into DIR instead of printing it'))
    .action(async (o: { dir?: string }) => {
      const page = manPage(program, program.version() ?? '');
      if (o.dir === undefined) {
        deps.out(page);
        return;
      }
      const file = join(resolve(o.dir), 'vfleet.1');
      await deps.hostFs('/').writeFileAtomic(file, page, 0o644);
      deps.out(`wrote ${file}\n`);
    });
}
