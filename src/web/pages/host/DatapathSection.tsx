import { useQuery } from '@tanstack/react-query';
import { Fragment } from 'react';
import type { DatapathEntryView } from '../../../api/answers.js';
import { datapathRoutes } from '../../../api/routes/datapath.js';
import { isVfleetError } from '../../../core/errors.js';
import { useApi } from '../../app/deps-context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { DatapathFigures } from './DatapathFigures.js';
import { datapathFacts } from './datapath-view.js';

/** The query key of a host's latest datapath report (null: it has none). */
export const datapathKey = (host: string) => ['datapath', host, 'latest'] as const;

/** The host's latest `vfleet bench datapath` report: its facts, figures and charts. */
export function DatapathSection({ host }: { host: string }) {
  const api = useApi();
  const latest = useQuery({
    queryKey: datapathKey(host),
    queryFn: async (): Promise<DatapathEntryView | null> => {
      try {
        return await api.call(datapathRoutes.latest, { params: { id: host } });
      } catch (e) {
        // No report yet is a state of the host, not a failure of the page.
        if (isVfleetError(e) && e.code === 'NOT_FOUND') return null;
        throw e;
      }
    },
  });
  return (
    <section aria-labelledby="datapath-title" data-testid="datapath">
      <h2 id="datapath-title">Datapath</h2>
      <ErrorNote error={latest.error} />
      {latest.isPending ? <p role="status">Loading…</p> : null}
      {latest.data === null ? (
        <p data-testid="datapath-none">
          No datapath report yet. Run <code>vfleet bench datapath</code> on this host: it measures
          RFC 2544 throughput and latency per datapath and uploads its report here.
        </p>
      ) : null}
      {latest.data === undefined || latest.data === null ? null : (
        <DatapathReportView entry={latest.data} />
      )}
    </section>
  );
}

function DatapathReportView({ entry }: { entry: DatapathEntryView }) {
  const r = entry.report;
  return (
    <>
      {r.caveat === null ? null : (
        <p className={r.emulated ? 'caveat emulated' : 'caveat'} data-testid="datapath-caveat">
          <strong>{r.emulated ? 'Caveat (emulated NICs): ' : 'Caveat: '}</strong>
          {r.caveat}
        </p>
      )}
      <dl className="facts" data-testid="datapath-facts">
        {datapathFacts(entry).map(([k, v]) => (
          <Fragment key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </Fragment>
        ))}
      </dl>
      <DatapathFigures report={r} />
    </>
  );
}
