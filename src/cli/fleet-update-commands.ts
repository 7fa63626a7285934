import type { Command } from 'commander';
import { networkRoutes } from '../api/routes/networks.js';
import { physnetRoutes } from '../api/routes/physnets.js';
import { specRoutes } from '../api/routes/specs.js';
import { UserBody } from '../api/client.js';
import { VfleetError } from '../core/errors.js';
import type { CliDeps } from './cli-deps.js';
import { apiCommand } from './api-command.js';
import { intArg, type ApiOptions } from './fleet-options.js';
import { findNetwork, findSpec } from './fleet-lookup.js';
import { networksTable, physnetsTable, print, specsTable } from './fleet-render.js';
import { waitTimeoutOption, type WaitOptions } from './wait.js';
import { waitForSpec } from './wait-hosts.js';
import { collectVlanRange, parseVlanRanges, vlanIdArg } from './vlan-range-arg.js';

/** A selector option: a value, `--no-X` (false: drop it), or absent. */
type Selector = string | false | undefined;

interface SpecUpdate extends ApiOptions {
  name?: string;
  physnet?: string;
  numVfs?: number;
  vendor?: Selector;
  device?: Selector;
  driver?: Selector;
  pciAddress?: Selector;
  pf?: Selector;
  trusted?: boolean;
  vfDriver?: string;
}

/** Only the fields given; PATCH leaves the rest. An empty change is a mistake worth saying. */
function changes(fields: Record<string, unknown>): Record<string, unknown> {
  const body = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  if (Object.keys(body).length === 0)
    throw new VfleetError('INVALID_INPUT', 'nothing to change: give at least one option', {
      field: 'options',
    });
  return body;
}

const selector = (v: Selector): string | null | undefined => (v === false ? null : v);

/** `vfleet spec update SPEC ...`: the options given replace the spec's fields. */
export function registerSpecUpdate(g: Command, deps: CliDeps): void {
  apiCommand(
    g,
    deps,
    {
      name: 'update',
      description: 'change a device spec (refused while it would take VFs from their ports)',
    },
    (c) =>
      c
        .argument('<spec>', 'name or id')
        .option('--name <name>', 'new name')
        .option('--physnet <name>', 'physical network of the selected VFs')
        .option('--num-vfs <n>', 'VFs on each selected PF', intArg('num-vfs', 0, 4096))
        .option('--vendor <id>', 'PCI vendor id, e.g. 8086')
        .option('--no-vendor', 'drop the vendor selector')
        .option('--device <id>', 'PCI device id of the PF, e.g. 1521')
        .option('--no-device', 'drop the device selector')
        .option('--driver <name>', 'PF driver, e.g. igb')
        .option('--no-driver', 'drop the driver selector')
        .option('--pci-address <glob>', 'PF PCI address glob, e.g. 0000:81:*')
        .option('--no-pci-address', 'drop the PCI address selector')
        .option('--pf <pf#ranges>', 'one PF with VF index ranges, e.g. 0000:81:00.0#0-3')
        .option('--no-pf', 'drop the PF selector')
        .option('--trusted', 'tag the VFs trusted')
        .option('--no-trusted', 'tag the VFs untrusted')
        .option('--vf-driver <driver>', 'vfio-pci, kernel, or a driver name')
        .option(
          '--wait',
          'wait until the agent of every host the spec selects has applied it, printing per-host progress on stderr',
        )
        .addOption(waitTimeoutOption()),
    async (api, o: SpecUpdate & WaitOptions, ref: string) => {
      const body = changes({
        name: o.name,
        physnet: o.physnet,
        numVfs: o.numVfs,
        vendor: selector(o.vendor),
        device: selector(o.device),
        driver: selector(o.driver),
        pciAddress: selector(o.pciAddress),
        pf: selector(o.pf),
        trusted: o.trusted,
        vfDriver: o.vfDriver,
      });
      const s = await findSpec(api, ref);
      const out = await api.call(specRoutes.update, {
        params: { id: s.id },
        body: new UserBody(body),
      });
      if (o.wait === true) await waitForSpec(deps, api, out, o.waitTimeout);
      print(deps, o.output, out, (x) => specsTable([x]));
    },
  );
}

/** `vfleet physnet update NAME --vlan-range ...`: the ranges given replace the old ones. */
export function registerPhysnetUpdate(p: Command, deps: CliDeps): void {
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

/** `vfleet network update NETWORK ...`: rename, or move while no port uses it. */
export function registerNetworkUpdate(n: Command, deps: CliDeps): void {
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
