import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearch } from 'wouter';
import { findingsOf, type HostDetailView } from '../../../api/answers.js';
import { eventRoutes } from '../../../api/routes/events.js';
import { hostRoutes } from '../../../api/routes/hosts.js';
import { useApi } from '../../app/deps-context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { StateLegend } from '../../components/StateLegend.js';
import { useNavigate } from '../../components/navigate.js';
import { shortTime } from '../fleet/host-rows.js';
import { DatapathSection } from './DatapathSection.js';
import { LabelEditor } from './LabelEditor.js';
import { PfCard } from './PfCard.js';
import { VfDetails } from './VfDetails.js';
import { findVf, numaColumns } from './vf-grid.js';

/** One host: NUMA nodes side by side with their PFs and VF grids, findings, IRQs, applies. */
export function HostPage() {
  const { id } = useParams<{ id: string }>();
  const api = useApi();
  const host = useQuery({
    queryKey: ['host', id],
    queryFn: () => api.call(hostRoutes.get, { params: { id } }),
  });
  const selectedPci = new URLSearchParams(useSearch()).get('vf');
  const navigate = useNavigate();
  const base = `/hosts/${encodeURIComponent(id)}`;
  const select = (pci: string) => {
    navigate(`${base}?${new URLSearchParams({ vf: pci }).toString()}`);
  };
  if (host.data === undefined)
    return (
      <>
        <h1>Host {id}</h1>
        {host.isPending ? <p role="status">Loading…</p> : <ErrorNote error={host.error} />}
      </>
    );
  const h = host.data;
  const chosen = findVf(h, selectedPci);
  return (
    <>
      <h1>Host {h.id}</h1>
      <p>
        <span className={`badge health-${h.health}`}>{h.health}</span>{' '}
        {h.ready ? 'ready' : 'not ready'} · generation {h.appliedGeneration}/{h.desiredGeneration} ·
        last seen {shortTime(h.lastSeen)} · memory {h.memoryMb ?? '–'} MB ·{' '}
        <Link href={`${base}/topology`}>Topology</Link>
      </p>
      {h.lastApplyMessage === null ? null : <p className="muted">{h.lastApplyMessage}</p>}
      <LabelEditor key={h.id} host={h.id} labels={h.labels} />
      <StateLegend />
      <div className="numa-columns">
        {numaColumns(h).map((col) => (
          <section
            key={col.node ?? 'unknown'}
            className="numa"
            aria-label={col.node === null ? 'NUMA node unknown' : `NUMA node ${col.node}`}
            data-testid="numa-node"
          >
            <h2>
              {col.node === null
                ? 'NUMA node unknown'
                : `NUMA node ${col.node} · socket ${col.socket ?? '?'} · ${col.cpus ?? '?'} CPUs`}
            </h2>
            {col.pfs.map((pf) => (
              <PfCard key={pf.pciAddress} pf={pf} selected={selectedPci} onSelect={select} />
            ))}
            {col.pfs.length === 0 ? <p className="muted">No SR-IOV PF.</p> : null}
          </section>
        ))}
      </div>
      {chosen === null ? null : (
        <VfDetails
          pf={chosen.pf}
          vf={chosen.vf}
          onClose={() => {
            navigate(base);
          }}
        />
      )}
      <Findings host={h} />
      <IrqPins host={h} />
      <DatapathSection host={h.id} />
      <LastApplies host={h.id} />
    </>
  );
}

function Findings({ host }: { host: HostDetailView }) {
  const findings = findingsOf(host);
  return (
    <section aria-labelledby="findings-title">
      <h2 id="findings-title">Findings ({findings.length})</h2>
      <ul className="findings">
        {findings.map((f) => (
          <li key={`${f.id}/${f.subject}`} data-testid="finding">
            <span className={`badge sev-${f.severity}`}>{f.severity}</span> {f.subject}: {f.title}{' '}
            <span className="muted">[{f.id}]</span>
            {f.evidence.length === 0 ? null : <pre>{f.evidence.join('\n')}</pre>}
            {f.fix === undefined || f.fix.length === 0 ? null : (
              <>
                <strong>Fix:</strong>
                <pre>{f.fix.join('\n')}</pre>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function IrqPins({ host }: { host: HostDetailView }) {
  const p = host.irqPins;
  return (
    <section aria-labelledby="irq-title">
      <h2 id="irq-title">IRQ pinning</h2>
      {p === null || p === undefined ? (
        <p className="muted">Not reported.</p>
      ) : (
        <>
          <p>
            {shortTime(p.at)}: {p.changed} changed, {p.alreadyRight} already right, {p.failed}{' '}
            failed, {p.skipped} skipped
          </p>
          {p.lines.length === 0 ? null : <pre>{p.lines.join('\n')}</pre>}
        </>
      )}
    </section>
  );
}

function LastApplies({ host }: { host: string }) {
  const api = useApi();
  const applies = useQuery({
    queryKey: ['events', host, 'spec-applied'],
    queryFn: () => api.call(eventRoutes.list, { query: { host, kind: 'spec-applied', last: 5 } }),
  });
  return (
    <section aria-labelledby="applies-title">
      <h2 id="applies-title">Last applies</h2>
      <ErrorNote error={applies.error} />
      <ol className="applies">
        {(applies.data?.items ?? []).map((e) => (
          <li key={e.id}>
            {shortTime(e.at)} {e.subject ?? ''}: {e.message}
          </li>
        ))}
      </ol>
      {applies.data?.items.length === 0 ? <p className="muted">None yet.</p> : null}
    </section>
  );
}
