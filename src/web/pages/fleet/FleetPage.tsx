import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import { Link, useSearch } from 'wouter';
import { capacityRoutes } from '../../../api/routes/capacity.js';
import { hostRoutes } from '../../../api/routes/hosts.js';
import { HOST_HEALTHS } from '../../../core/fleet/model.js';
import { useApi } from '../../app/deps-context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { useNavigate } from '../../components/navigate.js';
import { CapacityPanel } from './CapacityPanel.js';
import {
  filtersFromSearch,
  hostListQueryOf,
  searchFromFilters,
  toggledSort,
  type FleetFilters,
} from './filters.js';
import { HostTable } from './HostTable.js';

/** The fleet: one page of hosts at a time (never the whole fleet), and its capacity. */
export function FleetPage() {
  const api = useApi();
  const filters = filtersFromSearch(useSearch());
  const navigate = useNavigate();
  const go = (f: FleetFilters) => {
    navigate(`/${searchFromFilters(f)}`);
  };
  const hosts = useQuery({
    queryKey: ['hosts', filters],
    queryFn: () => api.call(hostRoutes.list, { query: hostListQueryOf(filters) }),
    placeholderData: keepPreviousData,
  });
  const capacity = useQuery({
    queryKey: ['capacity'],
    queryFn: () => api.call(capacityRoutes.get, {}),
  });
  const sortLink = (column: 'id' | 'lastSeen', label: string) => {
    const sort = toggledSort(filters.sort, column);
    const now =
      filters.sort === column ? 'ascending' : filters.sort === `-${column}` ? 'descending' : null;
    return (
      <Link
        href={`/${searchFromFilters({ ...filters, sort, cursor: null })}`}
        aria-label={`${label}, sort`}
      >
        {label}
        {now === null ? '' : now === 'ascending' ? ' ▲' : ' ▼'}
      </Link>
    );
  };
  return (
    <>
      <h1>Fleet</h1>
      <FleetFilterForm key={filters.q} filters={filters} onApply={go} />
      <section aria-labelledby="hosts-title">
        <h2 id="hosts-title">Hosts</h2>
        <ErrorNote error={hosts.error} />
        {hosts.data === undefined ? (
          hosts.isPending ? (
            <p role="status">Loading hosts…</p>
          ) : null
        ) : (
          <>
            <HostTable
              hosts={hosts.data.items}
              headers={{ id: sortLink('id', 'Host'), lastSeen: sortLink('lastSeen', 'Last seen') }}
            />
            <nav aria-label="Host pages" className="pager">
              {filters.cursor === null ? null : (
                <Link href={`/${searchFromFilters({ ...filters, cursor: null })}`}>First page</Link>
              )}
              {hosts.data.nextCursor === null ? null : (
                <Link
                  href={`/${searchFromFilters({ ...filters, cursor: hosts.data.nextCursor })}`}
                  data-testid="next-page"
                >
                  Next page
                </Link>
              )}
            </nav>
          </>
        )}
      </section>
      <ErrorNote error={capacity.error} />
      {capacity.data === undefined ? null : <CapacityPanel capacity={capacity.data} />}
    </>
  );
}

function FleetFilterForm({
  filters,
  onApply,
}: {
  filters: FleetFilters;
  onApply: (f: FleetFilters) => void;
}) {
  const [q, setQ] = useState(filters.q);
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    onApply({ ...filters, q: q.trim(), cursor: null });
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Filter hosts">
      <label htmlFor="host-q">Host id contains</label>
      <input
        id="host-q"
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
        }}
      />
      <label htmlFor="host-health">Health</label>
      <select
        id="host-health"
        value={filters.health ?? ''}
        onChange={(e) => {
          const health = HOST_HEALTHS.find((h) => h === e.target.value) ?? null;
          onApply({ ...filters, health, cursor: null });
        }}
      >
        <option value="">any</option>
        {HOST_HEALTHS.map((h) => (
          <option key={h} value={h}>
            {h}
          </option>
        ))}
      </select>
      <label htmlFor="host-ready">Ready</label>
      <select
        id="host-ready"
        value={filters.ready === null ? '' : String(filters.ready)}
        onChange={(e) => {
          const v = e.target.value;
          onApply({ ...filters, ready: v === '' ? null : v === 'true', cursor: null });
        }}
      >
        <option value="">any</option>
        <option value="true">ready</option>
        <option value="false">not ready</option>
      </select>
      <button type="submit">Filter</button>
    </form>
  );
}
