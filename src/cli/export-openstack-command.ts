import type { Command } from 'commander';
import { openstackExport } from '../core/exports/openstack-files.js';
import { apiCommand } from './api-command.js';
import type { CliDeps } from './cli-deps.js';
import { emitExport } from './export-output.js';
import { loadExportFleet, type HostChoice } from './export-source.js';
import type { ApiOptions } from './fleet-options.js';

interface ExportOptions extends ApiOptions, HostChoice {
  readonly out?: string;
}

/**
 * `vfleet export openstack`: Nova's `[pci]` and the Neutron SR-IOV agent's
 * files per host, the OVS hardware offload script for hosts with switchdev
 * PFs, and the ML2 VLAN ranges, for the devices whose spec owner is
 * `openstack` (docs/exports.md).
 */
export function registerExportOpenstack(group: Command, deps: CliDeps): void {
  apiCommand(
    group,
    deps,
    {
      name: 'openstack',
      description: "Nova [pci], sriov_agent.ini and ML2 VLAN ranges for OpenStack's devices",
    },
    (c) =>
      c
        .option('--host <host>', 'export this host')
        .option('--all', 'export every host')
        .option(
          '--out <dir>',
          'write DIR/HOST/nova-compute.conf.d/90-vfleet-pci.conf, DIR/HOST/sriov_agent.ini, DIR/ml2_conf_sriov.ini and, for a host with switchdev PFs, DIR/HOST/ovs-hw-offload.sh instead of printing them',
        ),
    async (api, o: ExportOptions) => {
      const { fleet, hosts } = await loadExportFleet(api, o);
      const result = openstackExport(fleet, hosts, new Date(deps.clock.now()).toISOString());
      await emitExport(deps, o, result.files);
      for (const h of result.emptyHosts) {
        deps.err(`${h}: no device is owned by openstack; its files offer nothing\n`);
      }
    },
  );
}
