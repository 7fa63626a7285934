import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_RESOURCE_PREFIX } from '../core/exports/kubernetes-names.js';
import { kubernetesDocuments, kubernetesExport } from '../core/exports/kubernetes-export.js';
import { NETWORK_FORMATS, type NetworkFormat } from '../core/exports/kubernetes-networks.js';
import { libvirtPools } from '../core/exports/libvirt-pools.js';
import { apiCommand } from './api-command.js';
import type { CliDeps } from './cli-deps.js';
import {
  kubernetesFiles,
  kubernetesStream,
  libvirtFiles,
  libvirtStream,
  type ExportFile,
} from './export-files.js';
import { fetchExport, type HostChoice } from './export-fetch.js';
import type { ApiOptions } from './fleet-options.js';

type ExportOptions = ApiOptions & HostChoice & { out?: string };

const withHostChoice = (c: Command): Command =>
  c
    .option('--host <host>', 'export this host only')
    .option('--all', 'export every host')
    .option('--out <dir>', 'write files under DIR instead of printing them');

async function writeFiles(deps: CliDeps, dir: string, files: readonly ExportFile[]): Promise<void> {
  const root = resolve(dir);
  for (const f of files)
    await deps.hostFs('/').writeFileAtomic(join(root, f.path), f.content, 0o644);
  deps.out(`wrote ${files.length} file(s) under ${root}\n`);
}

/** `vfleet export kubernetes`: device plugin config, operator policies and networks. */
export function registerKubernetesExport(group: Command, deps: CliDeps): void {
  apiCommand(
    group,
    deps,
    {
      name: 'kubernetes',
      description:
        'the SR-IOV device plugin ConfigMap, externally managed SriovNetworkNodePolicies and a network per vfleet network, for the VFs owned by kubernetes',
    },
    (c) =>
      withHostChoice(c)
        .addOption(
          new Option(
            '--format <format>',
            'network objects: SriovNetwork (operator) or NetworkAttachmentDefinition',
          )
            .choices(NETWORK_FORMATS)
            .default('sriovnetwork'),
        )
        .option(
          '--resource-prefix <prefix>',
          'device plugin resource prefix',
          DEFAULT_RESOURCE_PREFIX,
        ),
    async (api, o: ExportOptions & { format: NetworkFormat; resourcePrefix: string }) => {
      const { fleet, networks } = await fetchExport(api, o);
      const e = kubernetesExport(
        { hosts: fleet.hosts, networks },
        { format: o.format, resourcePrefix: o.resourcePrefix },
      );
      if (e.devicePluginConfigs.size === 0)
        deps.err('note: no VFs owned by kubernetes on these hosts\n');
      if (o.out !== undefined) await writeFiles(deps, o.out, kubernetesFiles(e));
      else if (o.output === 'json')
        deps.out(`${JSON.stringify(kubernetesDocuments(e), null, 2)}\n`);
      else deps.out(kubernetesStream(e));
    },
  );
}

/** `vfleet export libvirt`: hostdev network pools over the VFs owned by libvirt-pool. */
export function registerLibvirtExport(group: Command, deps: CliDeps): void {
  apiCommand(
    group,
    deps,
    {
      name: 'libvirt',
      description:
        'hostdev network pools (one per host and physnet) for the VFs owned by libvirt-pool',
    },
    withHostChoice,
    async (api, o: ExportOptions) => {
      const { fleet } = await fetchExport(api, o);
      const pools = libvirtPools(fleet.hosts);
      if (pools.length === 0) deps.err('note: no VFs owned by libvirt-pool on these hosts\n');
      if (o.out !== undefined) await writeFiles(deps, o.out, libvirtFiles(pools));
      else if (o.output === 'json') deps.out(`${JSON.stringify(pools, null, 2)}\n`);
      else deps.out(libvirtStream(pools));
    },
  );
}
