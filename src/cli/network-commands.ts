import type { Command } from 'commander';
import { networkRoutes } from '../api/routes/networks.js';
import { UserBody } from '../api/call-types.js';
import type { CliDeps } from './cli-deps.js';
import { apiCommand, same } from './api-command.js';
import { changes, type ApiOptions } from './fleet-options.js';
import { findNetwork } from './fleet-lookup.js';
import { networksTable, print } from './fleet-render.js';
import { NETWORK_FIELDS } from './option-fields.js';
import { vlanIdArg } from './vlan-range-arg.js';

/** `vfleet network`: tenant networks, a physnet and a VLAN. */
export function registerNetworkCommands(program: Command, deps: CliDeps): void {
  const n = program.command('network').description('tenant networks: a physnet and a VLAN');
  apiCommand(
    n,
    deps,
    { name: 'list', description: 'list networks (a tenant token sees its own)', isDefault: true },
    same,
    async (api, o: ApiOptions) => {
      print(deps, o.output, await api.list(networkRoutes.list, {}), networksTable);
    },
  );
  apiCommand(
    n,
    deps,
    { name: 'show', description: 'one network, by name or id' },
    (c) => c.argument('<network>'),
    async (api, o: ApiOptions, ref: string) => {
      print(deps, o.output, await findNetwork(api, ref), (x) => networksTable([x]));
    },
  );
  apiCommand(
    n,
    deps,
    {
      name: 'create',
      description: 'create a network (the lowest free VLAN when --vlan is omitted)',
      fields: NETWORK_FIELDS,
    },
    (c) =>
      c
        .argument('<name>')
        .requiredOption('--physnet <name>', 'physical network')
        .option('--vlan <id>', 'VLAN id (1-4094)', vlanIdArg())
        .option('--tenant <tenant>', 'owner (admin tokens only; default admin)'),
    async (
      api,
      o: ApiOptions & { physnet: string; vlan?: number; tenant?: string },
      name: string,
    ) => {
      const body = {
        name,
        physnet: o.physnet,
        ...(o.vlan === undefined ? {} : { vlan: o.vlan }),
        ...(o.tenant === undefined ? {} : { tenant: o.tenant }),
      };
      print(
        deps,
        o.output,
        await api.call(networkRoutes.create, { body: new UserBody(body) }),
        (x) => networksTable([x]),
      );
    },
  );
  registerNetworkUpdate(n, deps);
  apiCommand(
    n,
    deps,
    { name: 'delete', description: 'delete a network without ports' },
    (c) => c.argument('<network>'),
    async (api, _o: ApiOptions, ref: string) => {
      const net = await findNetwork(api, ref);
      await api.call(networkRoutes.remove, { params: { id: net.id } });
      deps.out(`network ${net.name} deleted\n`);
    },
  );
}

/** `vfleet network update NETWORK ...`: rename, or move while no port uses it. */
function registerNetworkUpdate(n: Command, deps: CliDeps): void {
  apiCommand(
    n,
    deps,
    {
      name: 'update',
      description: 'rename a network; a new VLAN or physnet only while no port uses it',
      fields: { name: '--name', physnet: '--physnet', vlan: '--vlan' },
    },
    (c) =>
      c
        .argument('<network>', 'name or id')
        .option('--name <name>', 'new name')
        .option('--physnet <name>', 'physical network')
        .option('--vlan <id>', 'VLAN id (1-4094)', vlanIdArg()),
    async (
      api,
      o: ApiOptions & { name?: string; physnet?: string; vlan?: number },
      ref: string,
    ) => {
      const body = changes({ name: o.name, physnet: o.physnet, vlan: o.vlan });
      const net = await findNetwork(api, ref);
      const out = await api.call(networkRoutes.update, {
        params: { id: net.id },
        body: new UserBody(body),
      });
      print(deps, o.output, out, (x) => networksTable([x]));
    },
  );
}
