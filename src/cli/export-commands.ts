import type { Command } from 'commander';
import type { CliDeps } from './cli-deps.js';
import { registerKubernetesExport, registerLibvirtExport } from './export-k8s-commands.js';
import { registerExportOpenstack } from './export-openstack-command.js';

/**
 * `vfleet export`: config files for the systems that take devices from vfleet
 * (docs/exports.md). Each target adds its subcommand here, one line each, so
 * the group stays a list of registrations.
 */
export function registerExportCommands(program: Command, deps: CliDeps): void {
  const group = program
    .command('export')
    .description('config files for OpenStack, Kubernetes and libvirt from the fleet');
  registerExportOpenstack(group, deps);
  registerKubernetesExport(group, deps);
  registerLibvirtExport(group, deps);
}
