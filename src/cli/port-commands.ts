import type { Command } from 'commander';
import { portRoutes } from '../api/routes/ports.js';
import type { ApiClient } from '../api/client.js';
import type { PortView } from '../api/answers.js';
import { VfleetError } from '../core/errors.js';
import { normalizeMac } from '../core/mac-address.js';
import { apiCommand } from './api-command.js';
import type { CliDeps } from './cli-deps.js';
import type { ApiOptions } from './fleet-options.js';
import { portsTable, print } from './fleet-render.js';

/** The port of this id, or undefined when there is none. */
async function portById(api: ApiClient, id: string): Promise<PortView | undefined> {
  try {
    return await api.call(portRoutes.get, { params: { id } });
  } catch (e) {
    if (e instanceof VfleetError && e.code === 'NOT_FOUND') return undefined;
    throw e;
  }
}

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
      // By MAC or by id, each one indexed lookup on the controller rather than every port read here.
      const mac = normalizeMac(ref);
      const port =
        mac === null
          ? await portById(api, ref)
          : (await api.call(portRoutes.list, { query: { mac, limit: 1 } })).items[0];
      if (port === undefined)
        throw new VfleetError('NOT_FOUND', `no port with id or MAC "${ref}"`, { field: 'port' });
      print(deps, o.output, port, (x) => `${portsTable([x])}note: ${x.note}\n`);
    },
  );
}
