import type { Command } from 'commander';
import type { CliDeps } from './cli-deps.js';
import { registerEventsCommand } from './events-command.js';
import { registerHostsCommands, registerTokenCommands } from './fleet-admin-commands.js';
import { registerNetworkCommands, registerSpecCommands } from './fleet-catalog-commands.js';
import { registerInstanceCommands } from './fleet-instance-commands.js';
import { registerQuotaCommands } from './fleet-quota-commands.js';
import { registerServeCommands } from './serve-commands.js';

/**
 * The fleet half of the CLI: `controller`, `agent` and `up` start the
 * services; `hosts`, `spec`, `physnet`, `network`, `port`, `instance` and
 * `token`, `quota`, `events` talk to a controller's /v1 API (docs/controller.md).
 */
export function registerControllerCommands(program: Command, deps: CliDeps): void {
  registerServeCommands(program, deps);
  registerHostsCommands(program, deps);
  registerSpecCommands(program, deps);
  registerNetworkCommands(program, deps);
  registerInstanceCommands(program, deps);
  registerTokenCommands(program, deps);
  registerQuotaCommands(program, deps);
  registerEventsCommand(program, deps);
}
