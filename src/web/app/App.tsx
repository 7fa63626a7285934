import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { Redirect, Route, Switch } from 'wouter';
import type { SessionView } from '../../api/answers.js';
import { isVfleetError } from '../../core/errors.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { Layout } from '../components/Layout.js';
import { FleetPage } from '../pages/fleet/FleetPage.js';
import { HostPage } from '../pages/host/HostPage.js';
import { InstancePage } from '../pages/instances/InstancePage.js';
import { InstancesPage } from '../pages/instances/InstancesPage.js';
import { NewInstancePage } from '../pages/instances/NewInstancePage.js';
import { NetworkPage } from '../pages/networks/NetworkPage.js';
import { NetworksPage } from '../pages/networks/NetworksPage.js';
import { SearchPage } from '../pages/search/SearchPage.js';
import { SignInPage } from '../pages/SignInPage.js';
import { NetworkTopologyPage } from '../pages/topology/NetworkTopologyPage.js';
import { TopologyPage } from '../pages/topology/TopologyPage.js';
import { DepsContext } from './deps-context.js';
import type { WebDeps } from './deps.js';
import { LiveProvider } from './live.js';
import { SESSION_KEY, useSession } from './session.js';

export function App({ deps }: { deps: WebDeps }) {
  const [client] = useState(() => {
    // A session that ended (expired, signed out elsewhere) shows the sign-in page.
    const onError = (e: unknown) => {
      if (isVfleetError(e) && e.code === 'UNAUTHORIZED') client.setQueryData(SESSION_KEY, null);
    };
    const client: QueryClient = new QueryClient({
      queryCache: new QueryCache({ onError }),
      mutationCache: new MutationCache({ onError }),
      defaultOptions: {
        // The live feed says when data changed; no refetch on focus or timer.
        queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: false },
      },
    });
    return client;
  });
  return (
    <DepsContext.Provider value={deps}>
      <QueryClientProvider client={client}>
        <SessionGate />
      </QueryClientProvider>
    </DepsContext.Provider>
  );
}

function SessionGate() {
  const session = useSession();
  if (session.isPending) return <p role="status">Loading…</p>;
  if (session.isError) return <ErrorNote error={session.error} />;
  if (session.data === null) return <SignInPage />;
  return (
    <LiveProvider>
      <Layout session={session.data}>
        <Pages session={session.data} />
      </Layout>
    </LiveProvider>
  );
}

/** Every page is a deep link; tenants have no fleet, host or host topology page. */
export function Pages({ session }: { session: SessionView }) {
  const admin = session.role === 'admin';
  return (
    <Switch>
      <Route path="/">{admin ? <FleetPage /> : <Redirect to="/instances" replace />}</Route>
      {admin ? <Route path="/hosts/:id/topology" component={TopologyPage} /> : null}
      {admin ? <Route path="/hosts/:id" component={HostPage} /> : null}
      <Route path="/search">
        <SearchPage admin={admin} />
      </Route>
      <Route path="/instances/new">
        <NewInstancePage session={session} />
      </Route>
      <Route path="/instances/:id">
        {(p: { id: string }) => <InstancePage id={p.id} session={session} />}
      </Route>
      <Route path="/instances" component={InstancesPage} />
      <Route path="/networks/:id/topology">
        {(p: { id: string }) => <NetworkTopologyPage id={p.id} admin={admin} />}
      </Route>
      <Route path="/networks/:id">{(p: { id: string }) => <NetworkPage id={p.id} />}</Route>
      <Route path="/networks">
        <NetworksPage session={session} />
      </Route>
      <Route>
        <h1>Not found</h1>
        <p>No page here.</p>
      </Route>
    </Switch>
  );
}
