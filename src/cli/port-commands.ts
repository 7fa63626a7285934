import type { Command } from 'commander';
import { portRoutes } from '../api/routes/ports.js';
import { VfleetError } from '../core/errors.js';
import { apiCommand } from './api-command.js';
import type { CliDeps } from './cli-deps.js';
import type { ApiOptions } from './fleet-options.js';
import { portsTable, print } from './fleet-render.js';

interface PortListOptions extends ApiOptions {
  readonly network?: string;
  readonly instance?: string;
  readonly host?: string;
}

/** `vfleet port`: ports and the VFs (or whole PFs) they hold. */
export function registerPortCommands(program: Command, deps: CliDeps): void {
  const p = program
    .command('port')
    .description('ports and the VFs (or whole PFs) they hold (created with instances)');
  apiCommand(
    p,
    deps,
    { name: 'list', description: 'list ports with their VFs', isDefault: true },
    (c) =>
      c
        .option('--network <id>', "only this network's ports (its id)")
        .option('--instance <id>', "only this instance's ports (its id)")
        .option('--host <host>', 'only ports holding a VF or whole PF of this host'),
    async (api, o: PortListOptions) => {
      // The filters go to the controller: it pages through the matches only.
      const query = {
        ...(o.network === undefined ? {} : { network: o.network }),
        ...(o.instance === undefined ? {} : { instance: o.instance }),
        ...(o.host === undefined ? {} : { host: o.host }),
      };
      print(deps, o.output, await api.list(portRoutes.list, { query }), portsTable);
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
