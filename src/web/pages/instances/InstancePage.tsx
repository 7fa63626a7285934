import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import type { InstanceView, SessionView } from '../../../api/answers.js';
import { instanceRoutes } from '../../../api/routes/instances.js';
import { useApi } from '../../app/deps-context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { DeleteInstance, MigrateInstance } from './InstanceActions.js';
import { Migrations } from './Migrations.js';

/** One instance: state, placement, ports with their VF chains, domain XML, migrations, actions. */
export function InstancePage({ id, session }: { id: string; session: SessionView }) {
  const api = useApi();
  const inst = useQuery({
    queryKey: ['instance', id],
    queryFn: () => api.call(instanceRoutes.get, { params: { id } }),
  });
  if (inst.data === undefined)
    return (
      <>
        <h1>Instance</h1>
        {inst.isPending ? <p role="status">Loading…</p> : <ErrorNote error={inst.error} />}
      </>
    );
  const i = inst.data;
  const admin = session.role === 'admin';
  return (
    <>
      <h1>Instance {i.name}</h1>
      <dl className="facts">
        <dt>State</dt>
        <dd data-testid="instance-state">{i.state}</dd>
        <dt>Tenant</dt>
        <dd>{i.tenant}</dd>
        <dt>Host</dt>
        <dd>
          {i.host === null ? (
            '–'
          ) : admin ? (
            <Link href={`/hosts/${encodeURIComponent(i.host)}`}>{i.host}</Link>
          ) : (
            i.host
          )}
        </dd>
        <dt>NUMA node</dt>
        <dd>
          {i.numaNode ?? '–'} (policy {i.numaPolicy})
        </dd>
        <dt>Size</dt>
        <dd>
          {i.vcpus} vCPUs, {i.memoryMb} MB
        </dd>
        <dt>Domain</dt>
        <dd>
          {i.vm === null || i.vm === undefined
            ? 'not booted'
            : `${i.vm.domain}: ${i.vm.state ?? i.vm.desired}`}
        </dd>
      </dl>
      <Ports instance={i} admin={admin} />
      <section aria-labelledby="actions-title">
        <h2 id="actions-title">Actions</h2>
        <MigrateInstance instance={i} session={session} />
        <DeleteInstance instance={i} />
      </section>
      <Migrations id={i.id} />
      {i.vm === null || i.vm === undefined ? null : <DomainXml id={i.id} />}
    </>
  );
}

function Ports({ instance, admin }: { instance: InstanceView; admin: boolean }) {
  return (
    <section aria-labelledby="ports-title">
      <h2 id="ports-title">Ports</h2>
      <table data-testid="instance-ports">
        <caption className="visually-hidden">Ports and their VFs</caption>
        <thead>
          <tr>
            <th scope="col">Port</th>
            <th scope="col">Network (VLAN, physnet)</th>
            <th scope="col">vNIC</th>
            <th scope="col">MAC</th>
            <th scope="col">Host → PF → VF</th>
          </tr>
        </thead>
        <tbody>
          {instance.ports.map((p) => (
            <tr key={p.id}>
              <th scope="row">{p.id}</th>
              <td>
                <Link href={`/networks/${encodeURIComponent(p.networkId)}`}>{p.network}</Link> (VLAN{' '}
                {p.vlan}, {p.physnet})
              </td>
              <td>{p.vnicType}</td>
              <td>{p.mac ?? '–'}</td>
              <td>
                {p.host === null ? (
                  'not placed'
                ) : (
                  <>
                    {p.host} → PF {p.pf ?? '–'} →{' '}
                    {admin && p.pciAddress !== null ? (
                      <Link
                        href={`/hosts/${encodeURIComponent(p.host)}?vf=${encodeURIComponent(p.pciAddress)}`}
                      >
                        VF {p.vfIndex ?? ''} {p.pciAddress}
                      </Link>
                    ) : (
                      `VF ${p.vfIndex ?? ''} ${p.pciAddress ?? '–'}`
                    )}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function DomainXml({ id }: { id: string }) {
  const api = useApi();
  const xml = useQuery({
    queryKey: ['instance-xml', id],
    queryFn: () => api.call(instanceRoutes.xml, { params: { id } }),
  });
  const p = xml.data?.placement;
  return (
    <section aria-labelledby="xml-title">
      <h2 id="xml-title">Domain XML</h2>
      <ErrorNote error={xml.error} />
      {p === undefined || p === null ? null : (
        <p>
          Pinned ({p.policy}): NUMA nodes {p.nodes.join(', ')}, CPUs {p.cpus.join(', ')}, memory{' '}
          {p.memoryMode}
        </p>
      )}
      {xml.data === undefined ? null : (
        <pre className="xml" tabIndex={0} aria-label="domain XML">
          {xml.data.xml}
        </pre>
      )}
    </section>
  );
}
