import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { networkRoutes } from '../../../api/routes/networks.js';
import { portRoutes } from '../../../api/routes/ports.js';
import { useApi } from '../../app/deps-context.js';
import { ErrorNote } from '../../components/ErrorNote.js';

/** One network and its ports, each with the instance and VF holding it. */
export function NetworkPage({ id }: { id: string }) {
  const api = useApi();
  const net = useQuery({
    queryKey: ['network', id],
    queryFn: () => api.call(networkRoutes.get, { params: { id } }),
  });
  const ports = useQuery({
    queryKey: ['ports', id],
    queryFn: () => api.call(portRoutes.list, { query: { network: id, limit: 1000 } }),
  });
  const n = net.data;
  return (
    <>
      <h1>Network {n?.name ?? id}</h1>
      <ErrorNote error={net.error} />
      {n === undefined ? null : (
        <p>
          Tenant {n.tenant} · physnet {n.physnet} · VLAN {n.vlan} ·{' '}
          <Link href={`/networks/${encodeURIComponent(id)}/topology`}>Topology</Link>
        </p>
      )}
      <section aria-labelledby="net-ports-title">
        <h2 id="net-ports-title">Ports</h2>
        <ErrorNote error={ports.error} />
        <table data-testid="network-ports">
          <caption className="visually-hidden">Ports of the network</caption>
          <thead>
            <tr>
              <th scope="col">Port</th>
              <th scope="col">Instance</th>
              <th scope="col">MAC</th>
              <th scope="col">Host</th>
              <th scope="col">VF</th>
            </tr>
          </thead>
          <tbody>
            {(ports.data?.items ?? []).map((p) => (
              <tr key={p.id}>
                <th scope="row">{p.id}</th>
                <td>
                  {p.instanceId === null ? (
                    '–'
                  ) : (
                    <Link href={`/instances/${encodeURIComponent(p.instanceId)}`}>
                      {p.instance ?? p.instanceId}
                    </Link>
                  )}
                </td>
                <td>{p.mac ?? '–'}</td>
                <td>{p.host ?? '–'}</td>
                <td>{p.pciAddress ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {ports.data?.nextCursor === null || ports.data === undefined ? null : (
          <p className="muted">More than 1000 ports: the first 1000 shown.</p>
        )}
      </section>
    </>
  );
}
