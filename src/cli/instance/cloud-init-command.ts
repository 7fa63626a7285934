import type { Command } from 'commander';
import { instanceRoutes } from '../../api/routes/instances.js';
import { apiCommand } from '../api-command.js';
import type { CliDeps } from '../cli-deps.js';
import { emitExport } from '../export-output.js';
import { findInstance } from '../fleet-lookup.js';
import type { ApiOptions } from '../fleet-options.js';

/**
 * `vfleet instance cloud-init NAME [--out DIR]`: the NoCloud seed of an
 * instance booted with a guest configuration (`--template router`), as the
 * three files a `cidata` volume holds. Printed, or written below DIR for
 * `genisoimage -V cidata -J -r DIR` (docs/libvirt.md).
 */
export function registerCloudInitCommand(g: Command, deps: CliDeps): void {
  apiCommand(
    g,
    deps,
    {
      name: 'cloud-init',
      description:
        "the cloud-init NoCloud seed (meta-data, user-data, network-config) of an instance's guest configuration",
    },
    (c) =>
      c
        .argument('<instance>')
        .option('--out <dir>', 'write the three files below DIR instead of printing them'),
    async (api, o: ApiOptions & { out?: string }, ref: string) => {
      const inst = await findInstance(api, ref);
      const seed = await api.call(instanceRoutes.cloudInit, { params: { id: inst.id } });
      await emitExport(deps, o, [
        { path: 'meta-data', text: seed.metaData },
        { path: 'user-data', text: seed.userData },
        { path: 'network-config', text: seed.networkConfig },
      ]);
    },
  );
}
