import type { Command } from 'commander';
import { hostRoutes } from '../api/routes/hosts.js';
import { UserBody } from '../api/call-types.js';
import { VfleetError } from '../core/errors.js';
import { apiCommand, same } from './api-command.js';
import type { CliDeps } from './cli-deps.js';
import type { ApiOptions } from './fleet-options.js';
import { hostsTable, print } from './fleet-render.js';
import { hostDetail } from './host-map-render.js';
import { withWait, type WaitOptions } from './wait.js';
import { waitForHost } from './wait-hosts.js';

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
    same,
    async (api, o: ApiOptions) => {
      print(deps, o.output, await api.list(hostRoutes.list, {}), hostsTable);
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
}
