import type { DatapathReport } from '../../core/datapath/datapath-report.js';
import { VfleetError } from '../../core/errors.js';
import type { StoredDatapathReport } from '../../core/fleet/datapath-store.js';
import type { ControllerDeps } from '../controller-deps.js';

/**
 * The reports kept per host: enough to compare a host with itself across
 * kernel and firmware updates, and a bound on what an agent's token can
 * make the controller keep (at most this many times the 1 MiB body limit).
 */
export const DATAPATH_REPORTS_KEPT = 20;

/**
 * `POST /v1/hosts/{id}/datapath-reports`: stores a `vfleet bench datapath`
 * report for the host it measured, drops the host's reports beyond the
 * newest DATAPATH_REPORTS_KEPT and records the upload's audit, in one transaction.
 */
export async function recordDatapathReport(
  deps: ControllerDeps,
  host: string,
  report: DatapathReport,
): Promise<StoredDatapathReport> {
  // A report filed under another host would chart one host's figures on another's page.
  if (report.host !== host)
    throw new VfleetError(
      'INVALID_INPUT',
      `host: the report measured host ${report.host}, not ${host}`,
      { field: 'host' },
    );
  const stored = await deps.store.datapathReports.add(host, report, {
    at: new Date(deps.now()).toISOString(),
    keep: DATAPATH_REPORTS_KEPT,
  });
  if (stored === null) throw new VfleetError('NOT_FOUND', `no host ${host}`);
  return stored;
}
