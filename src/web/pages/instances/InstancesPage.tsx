import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useSearch } from 'wouter';
import { instanceRoutes } from '../../../api/routes/instances.js';
import { useApi } from '../../app/deps-context.js';
import { ErrorNote } from '../../components/ErrorNote.js';

const PAGE = 50;

/** Instances a page at a time (a tenant sees its own), with where their ports landed. */
export function InstancesPage() {
  const api = useApi();
  const cursor = new URLSearchParams(useSearch()).get('cursor');
  const list = useQuery({
    queryKey: ['instances', cursor],
    queryFn: () =>
      api.call(instanceRoutes.list, {
        query: { limit: PAGE, ...(cursor === null ? {} : { cursor }) },
      }),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <h1>Instances</h1>
      <p>
        <Link href="/instances/new">Create an instance</Link>
      </p>
      <ErrorNote error={list.error} />
      {list.data === undefined ? null : (
        <>
          <table data-testid="instance-table">
            <caption className="visually-hidden">Instances</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Tenant</th>
                <th scope="col">State</th>
                <th scope="col">Host</th>
                <th scope="col">NUMA</th>
                <th scope="col">vCPUs / memory</th>
                <th scope="col">Ports (VF)</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((i) => (
                <tr key={i.id} data-testid="instance-row" data-instance={i.name}>
                  <th scope="row">
                    <Link href={`/instances/${encodeURIComponent(i.id)}`}>{i.name}</Link>
                  </th>
                  <td>{i.tenant}</td>
                  <td>{i.state}</td>
                  <td>{i.host ?? '–'}</td>
                  <td>{i.numaNode ?? '–'}</td>
                  <td>
                    {i.vcpus} / {i.memoryMb} MB
                  </td>
                  <td>{i.ports.map((p) => p.pciAddress ?? p.network).join(', ') || '–'}</td>
                </tr>
              ))}
              {list.data.items.length === 0 ? (
                <tr>
                  <td colSpan={7}>No instances.</td>
                </tr>
              ) : null}
            </tbody>
          </table>
          <nav aria-label="Instance pages" className="pager">
            {cursor === null ? null : <Link href="/instances">First page</Link>}
            {list.data.nextCursor === null ? null : (
              <Link
                href={`/instances?${new URLSearchParams({ cursor: list.data.nextCursor }).toString()}`}
              >
                Next page
              </Link>
            )}
          </nav>
        </>
      )}
    </>
  );
}
