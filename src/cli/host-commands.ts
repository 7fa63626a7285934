import type { Command } from 'commander';
import type { CliDeps } from './cli-deps.js';
import { registerDoctorCommands } from './host-doctor-commands.js';
import { registerIrqCommand } from './host-irq-command.js';
import { registerScanCommand } from './host-scan-command.js';
import { registerStateCommands } from './host-state-commands.js';

export function registerHostCommands(program: Command, deps: CliDeps): void {
  const host = program
    .command('host')
    .description('see, diagnose and configure SR-IOV on this host');
  registerScanCommand(host, deps);
  registerDoctorCommands(host, deps);
  registerStateCommands(host, deps);
  registerIrqCommand(host, deps);
}
