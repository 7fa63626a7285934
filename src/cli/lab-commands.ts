import type { Command } from 'commander';
import type { CliDeps } from './cli-deps.js';

export function registerLabCommands(program: Command, _deps: CliDeps): void {
  program.command('lab').description('real-kernel SR-IOV lab under QEMU');
}
