import type { Command } from 'commander';
import type { CliDeps } from './cli-deps.js';
import { registerScanCommand } from './host-scan-command.js';

export function registerHostCommands(program: Command, deps: CliDeps): void {
  const host = program
    .command('host')
    .description('see, diagnose and configure SR-IOV on this host');
  registerScanCommand(host, deps);
}
