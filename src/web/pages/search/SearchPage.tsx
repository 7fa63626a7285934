import { useQuery } from '@tanstack/react-query';
import { useSearch } from 'wouter';
import { searchRoutes } from '../../../api/routes/search.js';
import { useApi } from '../../app/deps-context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { SearchResults } from './SearchResults.js';

/** /search?q=…: the chains of what the header's search box asked. */
export function SearchPage({ admin }: { admin: boolean }) {
  const api = useApi();
  const q = (new URLSearchParams(useSearch()).get('q') ?? '').trim();
  const answer = useQuery({
    queryKey: ['search', q],
    queryFn: () => api.call(searchRoutes.get, { query: { q } }),
    enabled: q !== '',
  });
  return (
    <>
      <h1>Search</h1>
      {q === '' ? (
        <p>Type a MAC, PCI address, VLAN, instance, port or network in the search box (key /).</p>
      ) : null}
      <ErrorNote error={answer.error} />
      {answer.data === undefined ? null : <SearchResults answer={answer.data} admin={admin} />}
    </>
  );
}
