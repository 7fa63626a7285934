import type { Command } from 'commander';
import type { CliDeps } from './cli-deps.js';
import { registerAuditCommand } from './audit-command.js';
import { registerEventsCommand } from './events-commands.js';
import { registerExportCommands } from './export-commands.js';
import { registerHostsCommands } from './hosts-commands.js';
import { registerInstanceCommands } from './instance/instance-commands.js';
import { registerNetworkCommands } from './network-commands.js';
import { registerPhysnetCommands } from './physnet-commands.js';
import { registerPortCommands } from './port-commands.js';
import { registerQuotaCommands } from './quota-commands.js';
import { registerAllocationCommands } from './hosts-maintenance-commands.js';
import { registerRolloutCommands } from './rollout-commands.js';
import { registerSearchCommand } from './search-command.js';
import { registerServeCommands } from './serve-commands.js';
import { registerSpecCommands } from './spec-commands.js';
import { registerTokenCommands } from './token-commands.js';

/**
 * The fleet half of the CLI: `controller`, `agent` and `up` start the
 * services; `hosts`, `spec`, `physnet`, `network`, `port`, `instance` and
 * `token`, `quota`, `events`, `audit`, `search`, `export` talk to a controller's /v1 API (docs/controller.md).
 */
export function registerControllerCommands(program: Command, deps: CliDeps): void {
  registerServeCommands(program, deps);
  registerHostsCommands(program, deps);
  registerSpecCommands(program, deps);
  registerPhysnetCommands(program, deps);
  registerNetworkCommands(program, deps);
  registerInstanceCommands(program, deps);
  registerPortCommands(program, deps);
  registerTokenCommands(program, deps);
  registerQuotaCommands(program, deps);
  registerAllocationCommands(program, deps);
  registerRolloutCommands(program, deps);
  registerEventsCommand(program, deps);
  registerAuditCommand(program, deps);
  registerSearchCommand(program, deps);
  registerExportCommands(program, deps);
}
