import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { registerDoctorCommands } from './doctor-commands.js';
import { registerIrqCommand } from './irq-command.js';
import { registerScanCommand } from './scan-command.js';
import { registerStateCommands } from './state-commands.js';

export function registerHostCommands(program: Command, deps: CliDeps): void {
  const host = program
    .command('host')
    .description('see, diagnose and configure SR-IOV on this host');
  registerScanCommand(host, deps);
  registerDoctorCommands(host, deps);
  registerStateCommands(host, deps);
  registerIrqCommand(host, deps);
}
