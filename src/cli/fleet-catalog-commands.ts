import type { Command } from 'commander';
import { networkRoutes } from '../api/routes/networks.js';
import { physnetRoutes } from '../api/routes/physnets.js';
import { specRoutes } from '../api/routes/specs.js';
import { UserBody } from '../api/client.js';
import type { CliDeps } from './cli-deps.js';
import { apiCommand, same } from './api-command.js';
import { intArg, type ApiOptions } from './fleet-options.js';
import { findNetwork, findSpec } from './fleet-lookup.js';
import { networksTable, physnetsTable, print, specsTable } from './fleet-render.js';
import {
  registerNetworkUpdate,
  registerPhysnetUpdate,
  registerSpecUpdate,
} from './fleet-update-commands.js';
import { waitTimeoutOption, type WaitOptions } from './wait.js';
import { waitForSpec } from './wait-hosts.js';
import { NETWORK_FIELDS, PHYSNET_FIELDS } from './option-fields.js';
import { collectVlanRange, parseVlanRanges, vlanIdArg } from './vlan-range-arg.js';

interface SpecCreate extends ApiOptions {
  physnet: string;
  numVfs?: number;
  wholePf?: boolean;
  vendor?: string;
  device?: string;
  driver?: string;
  pciAddress?: string;
  pf?: string;
  trusted?: boolean;
  vfDriver?: string;
}

/** `vfleet spec`: device specs, what agents apply. */
export function registerSpecCommands(program: Command, deps: CliDeps): void {
  const g = program
    .command('spec')
    .description('device specs: which PFs/VFs to manage, their physnet, numVfs and VF driver');
  apiCommand(
    g,
    deps,
    { name: 'list', description: 'list device specs', isDefault: true },
    same,
    async (api, o: ApiOptions) => {
      print(deps, o.output, await api.list(specRoutes.list, {}), specsTable);
    },
  );
  apiCommand(
    g,
    deps,
    { name: 'show', description: 'one device spec, by name or id' },
    (c) => c.argument('<spec>', 'name or id'),
    async (api, o: ApiOptions, ref: string) => {
      print(deps, o.output, await findSpec(api, ref), (s) => specsTable([s]));
    },
  );
  apiCommand(
    g,
    deps,
    { name: 'create', description: 'declare a device spec; agents of matching hosts apply it' },
    (c) =>
      c
        .argument('<name>', 'spec name')
        .requiredOption('--physnet <name>', 'physical network of the selected VFs')
        .option(
          '--num-vfs <n>',
          'VFs to create on each selected PF (required unless --whole-pf)',
          intArg('num-vfs', 0, 4096),
        )
        .option(
          '--whole-pf',
          'offer the selected PFs whole, for direct-physical ports (no VFs; select by vendor, device, pci address or pf)',
        )
        .option('--vendor <id>', 'PCI vendor id, e.g. 8086')
        .option('--device <id>', 'PCI device id of the PF, e.g. 1521')
        .option('--driver <name>', 'PF driver, e.g. igb')
        .option('--pci-address <glob>', 'PF PCI address glob, e.g. 0000:81:*')
        .option('--pf <pf#ranges>', 'one PF with VF index ranges, e.g. 0000:81:00.0#0-3')
        .option('--trusted', 'tag the VFs trusted (for ports that ask for trust)')
        .option('--vf-driver <driver>', 'vfio-pci (default), kernel, or a driver name')
        .option(
          '--wait',
          'wait until the agent of every host the spec selects has made its VFs, printing per-host progress on stderr',
        )
        .addOption(waitTimeoutOption()),
    async (api, o: SpecCreate & WaitOptions, name: string) => {
      const body = {
        name,
        physnet: o.physnet,
        ...(o.numVfs === undefined ? {} : { numVfs: o.numVfs }),
        ...(o.wholePf === true ? { wholePf: true } : {}),
        ...(o.vendor === undefined ? {} : { vendor: o.vendor }),
        ...(o.device === undefined ? {} : { device: o.device }),
        ...(o.driver === undefined ? {} : { driver: o.driver }),
        ...(o.pciAddress === undefined ? {} : { pciAddress: o.pciAddress }),
        ...(o.pf === undefined ? {} : { pf: o.pf }),
        ...(o.vfDriver === undefined ? {} : { vfDriver: o.vfDriver }),
        trusted: o.trusted === true,
      };
      const spec = await api.call(specRoutes.create, { body: new UserBody(body) });
      if (o.wait === true) await waitForSpec(deps, api, spec, o.waitTimeout);
      print(deps, o.output, spec, (s) => specsTable([s]));
    },
  );
  registerSpecUpdate(g, deps);
  apiCommand(
    g,
    deps,
    { name: 'delete', description: 'delete a device spec; its PFs are no longer managed' },
    (c) => c.argument('<spec>', 'name or id'),
    async (api, _o: ApiOptions, ref: string) => {
      const s = await findSpec(api, ref);
      await api.call(specRoutes.remove, { params: { id: s.id } });
      deps.out(`spec ${s.name} deleted\n`);
    },
  );
}

/** `vfleet physnet` and `vfleet network`. */
export function registerNetworkCommands(program: Command, deps: CliDeps): void {
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
