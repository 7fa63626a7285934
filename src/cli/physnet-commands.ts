import type { Command } from 'commander';
import { physnetRoutes } from '../api/routes/physnets.js';
import { UserBody } from '../api/call-types.js';
import type { CliDeps } from './cli-deps.js';
import { apiCommand, same } from './api-command.js';
import type { ApiOptions } from './fleet-options.js';
import { physnetsTable, print } from './fleet-render.js';
import { PHYSNET_FIELDS } from './option-fields.js';
import { collectVlanRange, parseVlanRanges } from './vlan-range-arg.js';

/** `vfleet physnet`: physical networks and their tenant VLAN ranges. */
export function registerPhysnetCommands(program: Command, deps: CliDeps): void {
  const p = program
    .command('physnet')
    .description('physical networks and their tenant VLAN ranges');
  apiCommand(
    p,
    deps,
    { name: 'list', description: 'list physical networks', isDefault: true },
    same,
    async (api, o: ApiOptions) => {
      print(deps, o.output, await api.list(physnetRoutes.list, {}), physnetsTable);
    },
  );
  apiCommand(
    p,
    deps,
    { name: 'show', description: 'one physical network' },
    (c) => c.argument('<name>'),
    async (api, o: ApiOptions, name: string) => {
      print(deps, o.output, await api.call(physnetRoutes.get, { params: { name } }), (x) =>
        physnetsTable([x]),
      );
    },
  );
  apiCommand(
    p,
    deps,
    {
      name: 'create',
      description: 'create a physical network with its VLAN ranges',
      fields: PHYSNET_FIELDS,
    },
    (c) =>
      c
        .argument('<name>')
        .option(
          '--vlan-range <min-max>',
          'tenant VLANs (repeatable, or a comma list), e.g. 100-199',
          collectVlanRange,
        ),
    async (api, o: ApiOptions & { vlanRange?: string[] }, name: string) => {
      const body = { name, vlanRanges: parseVlanRanges(o.vlanRange ?? []) };
      print(
        deps,
        o.output,
        await api.call(physnetRoutes.create, { body: new UserBody(body) }),
        (x) => physnetsTable([x]),
      );
    },
  );
  registerPhysnetUpdate(p, deps);
  apiCommand(
    p,
    deps,
    { name: 'delete', description: 'delete an unused physical network' },
    (c) => c.argument('<name>'),
    async (api, _o: ApiOptions, name: string) => {
      await api.call(physnetRoutes.remove, { params: { name } });
      deps.out(`physnet ${name} deleted\n`);
    },
  );
}

/** `vfleet physnet update NAME --vlan-range ...`: the ranges given replace the old ones. */
function registerPhysnetUpdate(p: Command, deps: CliDeps): void {
  apiCommand(
    p,
    deps,
    {
      name: 'update',
      description: 'replace the VLAN ranges (they must keep the VLAN of every network on it)',
      fields: { vlanRanges: '--vlan-range' },
    },
    (c) =>
      c
        .argument('<name>')
        .requiredOption(
          '--vlan-range <min-max>',
          'tenant VLANs (repeatable, or a comma list), e.g. 100-199; "none" for no range',
          collectVlanRange,
        ),
    async (api, o: ApiOptions & { vlanRange: string[] }, name: string) => {
      const body = { vlanRanges: parseVlanRanges(o.vlanRange) };
      const out = await api.call(physnetRoutes.update, {
        params: { name },
        body: new UserBody(body),
      });
      print(deps, o.output, out, (x) => physnetsTable([x]));
    },
  );
}
