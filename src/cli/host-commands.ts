import type { Command } from 'commander';
import type { CliDeps } from './cli-deps.js';

export function registerHostCommands(program: Command, _deps: CliDeps): void {
  program.command('host').description('see, diagnose and configure SR-IOV on this host');
}
