import { Option, type Command } from 'commander';
import { hostRoutes } from '../api/routes/hosts.js';
import { UserBody } from '../api/call-types.js';
import { VfleetError } from '../core/errors.js';
import { HOST_SORTS, type HostSort } from '../core/fleet/host-query.js';
import { HOST_HEALTHS, type HostHealth } from '../core/fleet/model.js';
import { apiCommand } from './api-command.js';
import type { CliDeps } from './cli-deps.js';
import type { ApiOptions } from './fleet-options.js';
import { hostsTable, print } from './fleet-render.js';
import { hostDetail } from './host-map-render.js';
import { withWait, type WaitOptions } from './wait.js';
import { waitForHost } from './wait-hosts.js';
import { registerHostMaintenanceCommands } from './hosts-maintenance-commands.js';

/** `key=value` sets a label, `key-` removes it (kubectl's label syntax). */
export function applyLabelChanges(
  current: Readonly<Record<string, string>>,
  changes: readonly string[],
): Record<string, string> {
  const out = new Map(Object.entries(current));
  for (const c of changes) {
    const eq = c.indexOf('=');
    if (eq > 0) out.set(c.slice(0, eq), c.slice(eq + 1));
    else if (c.endsWith('-') && c.length > 1) out.delete(c.slice(0, -1));
    else
      throw new VfleetError('INVALID_INPUT', `label: "${c}" is neither key=value nor key-`, {
        field: 'label',
      });
  }
  return Object.fromEntries(out);
}

/** `vfleet hosts list`: the filters and sort of GET /v1/hosts (the choices are its schema's). */
interface HostListOptions extends ApiOptions {
  readonly search?: string;
  readonly health?: HostHealth;
  readonly ready?: boolean;
  readonly sort: HostSort;
}

/**
 * `vfleet hosts`: the fleet's hosts as the controller sees them. Plural on
 * purpose: `vfleet host` works on the local host (scan, doctor, apply).
 */
export function registerHostsCommands(program: Command, deps: CliDeps): void {
  const g = program
    .command('hosts')
    .description("the fleet's hosts, as the controller sees them (vfleet host = this host)");
  apiCommand(
    g,
    deps,
    { name: 'list', description: 'hosts with health, readiness and labels', isDefault: true },
    (c) =>
      c
        .option('--search <text>', 'only hosts whose name holds this text (any case)')
        .addOption(
          new Option('--health <health>', 'only hosts of this health').choices(HOST_HEALTHS),
        )
        .option('--ready', 'only hosts whose declared state is applied')
        .option('--no-ready', 'only hosts whose declared state is not applied yet')
        .addOption(
          new Option('--sort <order>', 'order: by name or last seen; - for descending')
            .choices(HOST_SORTS)
            .default('id'),
        ),
    async (api, o: HostListOptions) => {
      const query = {
        sort: o.sort,
        ...(o.search === undefined ? {} : { q: o.search }),
        ...(o.health === undefined ? {} : { health: o.health }),
        ...(o.ready === undefined
          ? {}
          : { ready: o.ready ? ('true' as const) : ('false' as const) }),
      };
      print(deps, o.output, await api.list(hostRoutes.list, { query }), hostsTable);
    },
  );
  apiCommand(
    g,
    deps,
    {
      name: 'show',
      description:
        'one host as a map: each PF, its VFs and the instance, tenant, network, MAC and VLAN on each',
    },
    (c) =>
      withWait(c.argument('<host>'), 'the VFs its specs declare exist and its agent applied them'),
    async (api, o: ApiOptions & WaitOptions, id: string) => {
      const h =
        o.wait === true
          ? await waitForHost(deps, api, id, o.waitTimeout)
          : await api.call(hostRoutes.get, { params: { id } });
      print(deps, o.output, h, hostDetail);
    },
  );
  apiCommand(
    g,
    deps,
    { name: 'label', description: "set (key=value) or remove (key-) a host's labels" },
    (c) => c.argument('<host>').argument('<changes...>', 'key=value or key-'),
    async (api, o: ApiOptions, id: string, changes: string[]) => {
      const host = await api.call(hostRoutes.get, { params: { id } });
      const labels = applyLabelChanges(host.labels, changes);
      print(
        deps,
        o.output,
        await api.call(hostRoutes.update, { params: { id }, body: new UserBody({ labels }) }),
        (h) => hostsTable([h]),
      );
    },
  );
  registerHostMaintenanceCommands(g, deps);
}
