import type { ApiClient } from '../api/client.js';
import { hostRoutes } from '../api/routes/hosts.js';
import { physnetRoutes } from '../api/routes/physnets.js';
import { specRoutes } from '../api/routes/specs.js';
import type { ExportFleet, ExportHost } from '../core/exports/export-fleet.js';
import { VfleetError } from '../core/errors.js';
import { exportFleetFrom } from './export-fleet-from.js';

/** `--host H | --all`, which every `vfleet export` target takes. */
export interface HostChoice {
  readonly host?: string;
  readonly all?: boolean;
}

/** The hosts' ids, as given: one with --host, null for --all; refuses both and neither. */
export function chosenHost(o: HostChoice): string | null {
  if (o.host !== undefined && o.all === true) {
    throw new VfleetError('INVALID_INPUT', '--host and --all: give one of them, not both', {
      field: 'host',
    });
  }
  if (o.host !== undefined) return o.host;
  if (o.all === true) return null;
  throw new VfleetError('INVALID_INPUT', '--host or --all is required: which hosts to export', {
    field: 'host',
  });
}

/**
 * The fleet an export renders and the hosts it writes files for: the host
 * maps, the specs and the physnets, read through the API. A host id becomes
 * a folder name, so one that could climb out of the export folder is refused.
 */
export async function loadExportFleet(
  api: ApiClient,
  o: HostChoice,
): Promise<{ fleet: ExportFleet; hosts: ExportHost[] }> {
  const one = chosenHost(o);
  const ids =
    one === null ? (await api.list(hostRoutes.list, { query: {} })).map((h) => h.id) : [one];
  const details = [];
  for (const id of ids) details.push(await api.call(hostRoutes.get, { params: { id } }));
  const fleet = exportFleetFrom(
    details,
    await api.list(specRoutes.list, { query: {} }),
    await api.list(physnetRoutes.list, {}),
  );
  for (const h of fleet.hosts) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(h.name)) {
      throw new VfleetError('INVALID_INPUT', `host "${h.name}": not usable as a folder name`, {
        field: 'host',
      });
    }
  }
  return { fleet, hosts: fleet.hosts };
}
