import type { Kysely, Selectable } from 'kysely';
import type { DatapathReport } from '../../core/datapath/datapath-report.js';
import type { DatapathReportStore, StoredDatapathReport } from '../../core/fleet/datapath-store.js';
import { pageOf } from '../../core/fleet/page.js';
import { objectAudit } from './audit-entries.js';
import { writeAudit } from './audit-scope.js';
import type { DatapathReportsTable } from './db-types-datapath.js';
import type { Database } from './db-types.js';
import { iso } from './rows.js';

const toStored = (r: Selectable<DatapathReportsTable>): StoredDatapathReport => ({
  id: r.id,
  host: r.host_id,
  createdAt: iso(r.created_at),
  report: r.report,
});

/** Ids are `serial` (int4): a cursor beyond it is "past every report", not a database error. */
const asId = (n: number): number => Math.max(0, Math.min(n, 2_147_483_647));

/** What the audit keeps of an upload: the facts, not the figures (the report itself is kept). */
const auditView = (id: number, r: DatapathReport, dropped: number) => ({
  id,
  kernel: r.kernel,
  nic: r.nic,
  driver: r.driver,
  generator: r.generator,
  emulated: r.emulated,
  startedAt: r.startedAt,
  paths: r.paths.map((p) => p.path),
  dropped,
});

export function createDatapathReportStore(db: Kysely<Database>): DatapathReportStore {
  return {
    add: (host, report, o) =>
      db.transaction().execute(async (tx) => {
        // The host's row, locked: uploads for one host take turns, so the trim
        // below always sees the other's row and the bound holds under races.
        const found = await tx
          .selectFrom('hosts')
          .select('id')
          .where('id', '=', host)
          .forNoKeyUpdate()
          .executeTakeFirst();
        if (found === undefined) return null;
        const row = await tx
          .insertInto('datapath_reports')
          .values({ host_id: host, created_at: o.at, report: JSON.stringify(report) })
          .returningAll()
          .executeTakeFirstOrThrow();
        const kept = tx
          .selectFrom('datapath_reports')
          .select('id')
          .where('host_id', '=', host)
          .orderBy('id', 'desc')
          .limit(o.keep);
        const gone = await tx
          .deleteFrom('datapath_reports')
          .where('host_id', '=', host)
          .where('id', 'not in', kept)
          .executeTakeFirst();
        const stored = toStored(row);
        const after = auditView(stored.id, report, Number(gone.numDeletedRows));
        const what = { type: 'host' as const, id: host, name: host };
        await writeAudit(tx, [objectAudit('host.datapath', what, null, after, host)], o.at);
        return stored;
      }),
    async page(host, q) {
      let s = db
        .selectFrom('datapath_reports')
        .selectAll()
        .where('host_id', '=', host)
        .orderBy('id', 'desc')
        .limit(q.limit + 1);
      if (q.after !== null) s = s.where('id', '<', asId(Number(q.after[0])));
      return pageOf(await s.execute(), q.limit, (r) => [r.id], toStored);
    },
    async get(host, id) {
      let s = db
        .selectFrom('datapath_reports')
        .selectAll()
        .where('host_id', '=', host)
        .orderBy('id', 'desc')
        .limit(1);
      if (id !== 'latest') s = s.where('id', '=', asId(id));
      const r = await s.executeTakeFirst();
      return r === undefined ? null : toStored(r);
    },
  };
}
