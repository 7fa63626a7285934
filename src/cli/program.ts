import { Command } from 'commander';
import type { CliDeps } from './cli-deps.js';
import { registerControllerCommands } from './controller-commands.js';
import { registerHostCommands } from './host-commands.js';
import { registerLabCommands } from './lab-commands.js';

export function buildProgram(deps: CliDeps): Command {
  const program = new Command('vfleet')
    .description('SR-IOV fleet manager for KVM hosts')
    .version('0.1.0')
    .showHelpAfterError()
    .configureOutput({ writeOut: deps.out, writeErr: deps.err })
    .exitOverride();
  registerHostCommands(program, deps);
  registerLabCommands(program, deps);
  registerControllerCommands(program, deps);
  return program;
}
