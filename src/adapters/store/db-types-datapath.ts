import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { DatapathReport } from '../../core/datapath/datapath-report.js';

/** Row type of the datapath reports (schema/0025-datapath-reports.ts). */
export interface DatapathReportsTable {
  id: Generated<number>;
  host_id: string;
  created_at: ColumnType<Date, Date | string, Date | string>;
  /** Checked by the API's schema on the way in; written as JSON text. */
  report: JSONColumnType<DatapathReport>;
}

export interface DatapathTables {
  datapath_reports: DatapathReportsTable;
}
