import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { registerDatapathCommand } from './datapath-command.js';

/** `vfleet bench`: measurements on this host (datapaths); the fleet's own benchmarks are `npm run bench`. */
export function registerBenchCommands(program: Command, deps: CliDeps): void {
  const bench = program.command('bench').description('measure this host: the datapaths of its VMs');
  registerDatapathCommand(bench, deps);
}
