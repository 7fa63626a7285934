import { Option, type Command } from 'commander';
import { DEFAULT_RESOURCE_PREFIX } from '../core/exports/kubernetes-names.js';
import { kubernetesDocuments, kubernetesExport } from '../core/exports/kubernetes-export.js';
import { NETWORK_FORMATS, type NetworkFormat } from '../core/exports/kubernetes-networks.js';
import { libvirtPools, libvirtVdpaNotes } from '../core/exports/libvirt-pools.js';
import { apiCommand } from './api-command.js';
import type { CliDeps } from './cli-deps.js';
import type { ApiClient } from '../api/client.js';
import { networkRoutes } from '../api/routes/networks.js';
import type { ExportNetwork } from '../core/exports/owned-devices.js';
import { kubernetesFiles, kubernetesStream, libvirtFiles, libvirtStream } from './export-files.js';
import { emitExport } from './export-output.js';
import { loadExportFleet, type HostChoice } from './export-source.js';
import type { ApiOptions } from './fleet-options.js';

type ExportOptions = ApiOptions & HostChoice & { out?: string };

const withHostChoice = (c: Command): Command =>
  c
    .option('--host <host>', 'export this host only')
    .option('--all', 'export every host')
    .option('--out <dir>', 'write files under DIR instead of printing them');

/** The tenant networks (GET /v1/networks), as the Kubernetes export names them. */
async function loadNetworks(api: ApiClient): Promise<ExportNetwork[]> {
  return (await api.list(networkRoutes.list, {})).map((n) => ({
    name: n.name,
    tenant: n.tenant,
    physnet: n.physnet,
    vlan: n.vlan,
  }));
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
      const { fleet } = await loadExportFleet(api, o);
      const networks = await loadNetworks(api);
      const e = kubernetesExport(
        { hosts: fleet.hosts, networks },
        { format: o.format, resourcePrefix: o.resourcePrefix },
      );
      if (e.devicePluginConfigs.size === 0)
        deps.err('note: no VFs owned by kubernetes on these hosts\n');
      for (const n of e.notes) deps.err(`note: ${n}\n`);
      if (o.out !== undefined) await emitExport(deps, o, kubernetesFiles(e));
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
      const { fleet } = await loadExportFleet(api, o);
      const pools = libvirtPools(fleet.hosts);
      const vdpa = libvirtVdpaNotes(fleet.hosts);
      if (pools.length === 0 && vdpa.length === 0)
        deps.err('note: no VFs owned by libvirt-pool on these hosts\n');
      for (const n of vdpa) deps.err(`note: ${n}\n`);
      if (o.out !== undefined) await emitExport(deps, o, libvirtFiles(pools));
      else if (o.output === 'json') deps.out(`${JSON.stringify(pools, null, 2)}\n`);
      else deps.out(libvirtStream(pools));
    },
  );
}
