import type { Command } from 'commander';
import { portRoutes } from '../api/routes/ports.js';
import { VfleetError } from '../core/errors.js';
import { apiCommand, same } from './api-command.js';
import type { CliDeps } from './cli-deps.js';
import type { ApiOptions } from './fleet-options.js';
import { portsTable, print } from './fleet-render.js';

/** `vfleet port`: ports and the VFs (or whole PFs) they hold. */
export function registerPortCommands(program: Command, deps: CliDeps): void {
  const p = program
    .command('port')
    .description('ports and the VFs (or whole PFs) they hold (created with instances)');
  apiCommand(
    p,
    deps,
    { name: 'list', description: 'list ports with their VFs', isDefault: true },
    same,
    async (api, o: ApiOptions) => {
      print(deps, o.output, await api.list(portRoutes.list, {}), portsTable);
    },
  );
  apiCommand(
    p,
    deps,
    { name: 'show', description: 'one port, by id or MAC' },
    (c) => c.argument('<port>', 'id or MAC'),
    async (api, o: ApiOptions, ref: string) => {
      const all = await api.list(portRoutes.list, {});
      const port = all.find((x) => x.id === ref || x.mac === ref.toLowerCase());
      if (port === undefined)
        throw new VfleetError('NOT_FOUND', `no port with id or MAC "${ref}"`, { field: 'port' });
      print(deps, o.output, port, (x) => `${portsTable([x])}note: ${x.note}\n`);
    },
  );
}
