import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { networkRoutes } from '../../../api/routes/networks.js';
import { portRoutes } from '../../../api/routes/ports.js';
import { useApi } from '../../app/deps-context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { layoutNetwork } from './network-layout.js';
import { TopologySvg, type TopologyLinks } from './TopologySvg.js';

/**
 * A network drawn: the hosts holding its ports, their PFs, the VFs the
 * ports hold and the instances on them. Built from the ports API alone, so
 * a tenant sees its own networks; only an admin's host and VF boxes link
 * to the host page.
 */
export function NetworkTopologyPage({ id, admin }: { id: string; admin: boolean }) {
  const api = useApi();
  const net = useQuery({
    queryKey: ['network', id],
    queryFn: () => api.call(networkRoutes.get, { params: { id } }),
  });
  const ports = useQuery({
    queryKey: ['ports', id, 'all'],
    queryFn: () => api.list(portRoutes.list, { query: { network: id } }),
  });
  const hostHref = (host: string) => `/hosts/${encodeURIComponent(host)}`;
  const links: TopologyLinks = admin
    ? {
        host: hostHref,
        vf: (pci, host) =>
          host === null ? null : `${hostHref(host)}?vf=${encodeURIComponent(pci)}`,
      }
    : { host: () => null, vf: () => null };
  const drawn = ports.data === undefined ? null : layoutNetwork(ports.data);
  const t = drawn?.picture;
  return (
    <>
      <h1>Topology of network {net.data?.name ?? id}</h1>
      <p>
        <Link href={`/networks/${encodeURIComponent(id)}`}>Back to the network</Link>
      </p>
      <ErrorNote error={net.error} />
      <ErrorNote error={ports.error} />
      {drawn === null || t === undefined ? null : (
        <>
          {t.vfs.length === 0 ? <p>No port of this network holds a VF.</p> : null}
          <TopologySvg
            t={t}
            links={links}
            caption={`${t.hosts.length} hosts, ${t.pfs.length} PFs, ${t.vfs.length} VFs held by the network's ports, ${t.instances.length} instance links; each VF's title names its port.`}
          />
          {drawn.unplaced === 0 ? null : (
            <p className="muted" data-testid="unplaced">
              {drawn.unplaced} ports hold no VF yet and are not drawn.
            </p>
          )}
        </>
      )}
    </>
  );
}
