import type { ApiClient } from '../api/client.js';
import { hostRoutes } from '../api/routes/hosts.js';
import { networkRoutes } from '../api/routes/networks.js';
import { physnetRoutes } from '../api/routes/physnets.js';
import { specRoutes } from '../api/routes/specs.js';
import { VfleetError } from '../core/errors.js';
import type { ExportFleet } from '../core/exports/export-fleet.js';
import type { ExportNetwork } from '../core/exports/owned-devices.js';
import { exportFleetFrom } from './export-fleet-from.js';

/** `--host H | --all`: which hosts an export covers. */
export interface HostChoice {
  readonly host?: string;
  readonly all?: boolean;
}

/** Exactly one of --host and --all, so an export never silently covers more or less than meant. */
export function checkHostChoice(o: HostChoice): void {
  if ((o.host === undefined) === (o.all !== true)) {
    throw new VfleetError('INVALID_INPUT', '--host: give either --host HOST or --all', {
      field: 'host',
    });
  }
}

/** The fleet (one host or all) and the networks, as the exports read them. */
export async function fetchExport(
  api: ApiClient,
  o: HostChoice,
): Promise<{ fleet: ExportFleet; networks: ExportNetwork[] }> {
  checkHostChoice(o);
  const ids =
    o.host === undefined
      ? (await api.list(hostRoutes.list, { query: {} })).map((h) => h.id)
      : [o.host];
  const hosts = await Promise.all(ids.map((id) => api.call(hostRoutes.get, { params: { id } })));
  const [specs, physnets, networks] = await Promise.all([
    api.list(specRoutes.list, {}),
    api.list(physnetRoutes.list, {}),
    api.list(networkRoutes.list, {}),
  ]);
  return {
    fleet: exportFleetFrom(hosts, specs, physnets),
    networks: networks.map((n) => ({
      name: n.name,
      tenant: n.tenant,
      physnet: n.physnet,
      vlan: n.vlan,
    })),
  };
}
