import { Command, type Option } from 'commander';
import { registerBenchCommands } from './bench/bench-commands.js';
import { commandTree } from './command-tree.js';
import type { CliDeps } from './cli-deps.js';
import { registerControllerCommands } from './controller-commands.js';
import { registerDocsCommands } from './docs-commands.js';
import { registerHostCommands } from './host/host-commands.js';
import { registerLabCommands } from './lab-commands.js';
import { requiredOption } from './option-fields.js';

export function buildProgram(deps: CliDeps): Command {
  const program = new Command('vfleet')
    .description('SR-IOV fleet manager for KVM hosts')
    .version('0.1.0')
    .showHelpAfterError()
    .configureOutput({ writeOut: deps.out, writeErr: deps.err })
    .exitOverride();
  registerHostCommands(program, deps);
  registerBenchCommands(program, deps);
  registerLabCommands(program, deps);
  registerControllerCommands(program, deps);
  registerDocsCommands(program, deps);
  // A missing mandatory option reads as every other required one does
  // (`--physnet is required`), not in commander's words.
  for (const { command } of commandTree(program)) {
    (command as unknown as MandatoryHook).missingMandatoryOptionValue = (o) => {
      throw requiredOption(o.long ?? o.flags);
    };
  }
  return program;
}

/** Commander's own (undocumented but stable since v7) hook for a missing mandatory option. */
interface MandatoryHook {
  missingMandatoryOptionValue: (option: Option) => never;
}
