import { useQuery } from '@tanstack/react-query';
import { Link, useSearch } from 'wouter';
import type { SessionView } from '../../../api/answers.js';
import { networkRoutes } from '../../../api/routes/networks.js';
import { physnetRoutes } from '../../../api/routes/physnets.js';
import { useApi } from '../../app/deps-context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { byTenant, physnetUsage } from './physnet-usage.js';

/** VLANs of one physnet are at most 4094: every network fits in a few pages. */
const MAX_NETWORKS = 20_000;

/** Physical networks with their VLAN ranges and how full they are; networks per tenant. */
export function NetworksPage({ session }: { session: SessionView }) {
  const api = useApi();
  const tenant = new URLSearchParams(useSearch()).get('tenant');
  const physnets = useQuery({
    queryKey: ['physnets'],
    queryFn: () => api.list(physnetRoutes.list, {}),
  });
  const networks = useQuery({
    queryKey: ['networks', 'all'],
    queryFn: () => api.list(networkRoutes.list, {}, MAX_NETWORKS),
  });
  const admin = session.role === 'admin';
  const shown = (networks.data ?? []).filter((n) => tenant === null || n.tenant === tenant);
  return (
    <>
      <h1>Networks</h1>
      <section aria-labelledby="physnets-title">
        <h2 id="physnets-title">Physical networks</h2>
        <ErrorNote error={physnets.error} />
        <table data-testid="physnet-table">
          <caption className="visually-hidden">Physical networks</caption>
          <thead>
            <tr>
              <th scope="col">Physnet</th>
              <th scope="col">Tenant VLAN ranges</th>
              {admin ? <th scope="col">VLANs used</th> : null}
            </tr>
          </thead>
          <tbody>
            {physnetUsage(physnets.data ?? [], networks.data ?? []).map((u) => (
              <tr key={u.name}>
                <th scope="row">{u.name}</th>
                <td>{u.ranges}</td>
                {admin ? (
                  <td>
                    <progress
                      max={Math.max(u.size, 1)}
                      value={u.used}
                      aria-label={`${u.name} VLANs used`}
                    />{' '}
                    {u.used} of {u.size}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="networks-title">
        <h2 id="networks-title">
          Networks{tenant === null ? '' : ` of ${tenant}`}
          {tenant === null ? null : (
            <>
              {' '}
              <Link href="/networks">(all)</Link>
            </>
          )}
        </h2>
        <ErrorNote error={networks.error} />
        {byTenant(shown).map(([t, list]) => (
          <table key={t} data-testid="network-table">
            <caption>Tenant {t}</caption>
            <thead>
              <tr>
                <th scope="col">Network</th>
                <th scope="col">Physnet</th>
                <th scope="col">VLAN</th>
              </tr>
            </thead>
            <tbody>
              {list.map((n) => (
                <tr key={n.id} data-testid="network-row">
                  <th scope="row">
                    <Link href={`/networks/${encodeURIComponent(n.id)}`}>{n.name}</Link>
                  </th>
                  <td>{n.physnet}</td>
                  <td>{n.vlan}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
        {networks.data !== undefined && shown.length === 0 ? <p>No networks.</p> : null}
      </section>
    </>
  );
}
