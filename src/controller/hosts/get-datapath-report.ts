import { VfleetError } from '../../core/errors.js';
import type { StoredDatapathReport } from '../../core/fleet/datapath-store.js';
import type { ControllerDeps } from '../controller-deps.js';

/**
 * `GET /v1/hosts/{id}/datapath-reports/latest` and `/{report}`: one report,
 * whole. Not found says how to make one, since the dashboard and the CLI
 * show the message as it is.
 */
export async function getDatapathReport(
  deps: ControllerDeps,
  host: string,
  id: number | 'latest',
): Promise<StoredDatapathReport> {
  const r = await deps.store.datapathReports.get(host, id);
  if (r !== null) return r;
  if ((await deps.store.hosts.get(host)) === null)
    throw new VfleetError('NOT_FOUND', `no host ${host}`);
  throw new VfleetError(
    'NOT_FOUND',
    id === 'latest'
      ? `host ${host} has no datapath report yet; run vfleet bench datapath on it`
      : `host ${host} has no datapath report ${id} (only the newest are kept)`,
  );
}
