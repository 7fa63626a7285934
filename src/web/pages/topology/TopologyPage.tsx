import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'wouter';
import { hostRoutes } from '../../../api/routes/hosts.js';
import { useApi } from '../../app/deps-context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { StateLegend } from '../../components/StateLegend.js';
import { layoutTopology } from './layout.js';
import { TopologySvg } from './TopologySvg.js';

/** A host drawn: PFs, their VFs and the instances on them (SVG, links to each). */
export function TopologyPage() {
  const { id } = useParams<{ id: string }>();
  const api = useApi();
  const host = useQuery({
    queryKey: ['host', id],
    queryFn: () => api.call(hostRoutes.get, { params: { id } }),
  });
  const hostHref = `/hosts/${encodeURIComponent(id)}`;
  const t = host.data === undefined ? null : layoutTopology(host.data);
  return (
    <>
      <h1>Topology of {id}</h1>
      <p>
        <Link href={hostHref}>Back to the host</Link>
      </p>
      <StateLegend />
      <ErrorNote error={host.error} />
      {t === null ? null : (
        <TopologySvg
          t={t}
          links={{ host: () => null, vf: (pci) => `${hostHref}?vf=${encodeURIComponent(pci)}` }}
          caption={`${t.pfs.length} PFs, ${t.vfs.length} VFs, ${t.instances.length} instance links; letters and titles give each VF's state.`}
        />
      )}
    </>
  );
}
