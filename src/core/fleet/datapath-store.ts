import type { DatapathReport } from '../datapath/datapath-report.js';
import type { Page, PageQuery } from './page.js';

/** A `vfleet bench datapath` report as the controller keeps it for its host. */
export interface StoredDatapathReport {
  /** Increasing with each upload: the newest report has the highest. */
  readonly id: number;
  readonly host: string;
  /** When the controller stored it (the report's own `startedAt` is the host's clock). */
  readonly createdAt: string;
  readonly report: DatapathReport;
}

export interface DatapathReportStore {
  /**
   * Stores the report with its audit record and drops the host's reports
   * beyond the newest `keep`, in one transaction. Null when there is no such host.
   */
  add(
    host: string,
    report: DatapathReport,
    o: { readonly at: string; readonly keep: number },
  ): Promise<StoredDatapathReport | null>;
  /** The host's reports, newest first, keyed by id. */
  page(host: string, q: PageQuery): Promise<Page<StoredDatapathReport>>;
  /** One report of the host; `latest`: its newest. Null when there is none. */
  get(host: string, id: number | 'latest'): Promise<StoredDatapathReport | null>;
}
