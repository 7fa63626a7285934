import type { Command } from 'commander';
import { specRoutes } from '../api/routes/specs.js';
import { UserBody } from '../api/call-types.js';
import type { CliDeps } from './cli-deps.js';
import { VfleetError } from '../core/errors.js';
import {
  rolloutBody,
  rolloutOptions,
  waitForRollout,
  type RolloutOptions,
} from './rollout-commands.js';
import { apiCommand, same } from './api-command.js';
import { SPEC_FIELDS } from './option-fields.js';
import { changes, intArg, type ApiOptions } from './fleet-options.js';
import { findSpec } from './fleet-lookup.js';
import { print, specsTable } from './fleet-render.js';
import { waitTimeoutOption, type WaitOptions } from './wait.js';
import { waitForSpec } from './wait-hosts.js';
import { bandwidthOption, ownerOption, type Bandwidth } from './spec-options.js';
import type { VfOwner } from '../core/vocabulary.js';

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
  owner?: VfOwner;
  bandwidth?: Bandwidth;
  eswitchMode?: string;
  vdpa?: boolean;
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
    {
      name: 'create',
      description: 'declare a device spec; agents of matching hosts apply it',
      fields: SPEC_FIELDS,
    },
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
          '--eswitch-mode <mode>',
          "the PFs' devlink eswitch mode: legacy or switchdev (switchdev also turns hw-tc-offload on)",
        )
        .option('--vdpa', 'a vDPA device on every VF, for vdpa ports (needs --vf-driver kernel)')
        .addOption(ownerOption())
        .addOption(bandwidthOption())
        .option(
          '--wait',
          'wait until the agent of every host the spec selects has made its VFs, printing per-host progress on stderr',
        )
        .addOption(waitTimeoutOption()),
    async (api, o: SpecCreate & WaitOptions, name: string) => {
      // Said here in the options' words: the API can only name its own fields.
      if ([o.vendor, o.device, o.driver, o.pciAddress, o.pf].every((x) => x === undefined)) {
        throw new VfleetError(
          'INVALID_INPUT',
          'a spec selects PFs: give at least one of --vendor, --device, --driver, --pci-address or --pf',
          { field: 'vendor' },
        );
      }
      if (o.numVfs === undefined && o.wholePf !== true) {
        throw new VfleetError(
          'INVALID_INPUT',
          '--num-vfs is required (or --whole-pf, to offer the selected PFs whole)',
          { field: 'num-vfs' },
        );
      }
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
        ...(o.owner === undefined ? {} : { owner: o.owner }),
        ...(o.bandwidth === undefined ? {} : { bandwidth: o.bandwidth }),
        ...(o.eswitchMode === undefined ? {} : { eswitchMode: o.eswitchMode }),
        ...(o.vdpa === true ? { vdpa: true } : {}),
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

/** A selector option: a value, `--no-X` (false: drop it), or absent. */
type Selector = string | false | undefined;

interface SpecUpdate extends ApiOptions, RolloutOptions {
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
  owner?: VfOwner;
  /** false: `--no-bandwidth`, drop it. */
  bandwidth?: Bandwidth | false;
}

const selector = (v: Selector): string | null | undefined => (v === false ? null : v);

/** `vfleet spec update SPEC ...`: the options given replace the spec's fields. */
function registerSpecUpdate(g: Command, deps: CliDeps): void {
  apiCommand(
    g,
    deps,
    {
      name: 'update',
      description:
        'change a device spec, at once or in waves (--max-unavailable, --canary, --evacuate: a rollout)',
      fields: SPEC_FIELDS,
    },
    (c) =>
      rolloutOptions(c)
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
        .addOption(ownerOption())
        .addOption(bandwidthOption())
        .option('--no-bandwidth', 'say no bandwidth any more')
        .option(
          '--wait',
          'wait until the agent of every host the spec selects has applied it (with waves: the rollout is done), printing progress on stderr',
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
        owner: o.owner,
        bandwidth: o.bandwidth === false ? null : o.bandwidth,
        rollout: rolloutBody(o),
      });
      const s = await findSpec(api, ref);
      const out = await api.call(specRoutes.update, {
        params: { id: s.id },
        body: new UserBody(body),
      });
      if (out.rollout !== null)
        deps.err(`rollout ${out.rollout}: follow it with \`vfleet rollout show ${out.rollout}\`\n`);
      if (o.wait === true) {
        if (out.rollout === null) await waitForSpec(deps, api, out, o.waitTimeout);
        else await waitForRollout(deps, api, out.rollout, o.waitTimeout);
      }
      print(deps, o.output, out, (x) => specsTable([x]));
    },
  );
}
