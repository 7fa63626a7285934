import { sql } from 'kysely';
import { openStore, type OpenedStore } from '../adapters/store/open-store.js';
import { harnessOn } from '../testing/controller-harness.js';
import { startPgCluster } from '../testing/pg-cluster.js';
import { pgliteTemplate } from '../testing/pglite-template.js';
import { seedFleet, type SeedSpec } from './fleet-seed.js';
import { summarize, timeIt } from './stats.js';

/**
 * The dashboard's reads at 10,000 hosts: a page of `GET /v1/hosts` (first,
 * deep in a walk, every sort, each filter), `GET /v1/capacity` and
 * `GET /v1/search`, answered by the controller app in process (real SQL,
 * no socket), median and minimum of 15 each (ms).
 */
const FLEET: Omit<SeedSpec, 'now'> = {
  hosts: 10_000,
  pfsPerHost: 2,
  vfsPerPf: 16,
  cpusPerNode: 64,
};

async function measure(store: OpenedStore) {
  const now = Date.parse('2030-01-01T00:00:00Z');
  await seedFleet(store, { ...FLEET, now: new Date(now).toISOString() });
  // Every health and readiness present: a tenth stale, a tenth degraded, a tenth not ready.
  await sql`update hosts set last_seen = last_seen - interval '1 hour' where id like '%7'`.execute(
    store.db,
  );
  await sql`update hosts set healthy = false where id like '%3'`.execute(store.db);
  await sql`update hosts set applied_generation = 0 where id like '%5'`.execute(store.db);
  await sql`analyze`.execute(store.db);
  const h = await harnessOn(store, null);
  h.clock = now;
  const get = async (path: string) => {
    const r = await h.call('GET', path, h.admin);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  /** The cursor after `pages` pages of `query`. */
  const deep = async (query: string, pages: number) => {
    let cursor = '';
    for (let i = 0; i < pages; i++)
      cursor = `&cursor=${String((await get(`/v1/hosts?limit=100${query}${cursor}`)).nextCursor)}`;
    return cursor;
  };
  const time = async (path: string) => {
    await get(path);
    const times: number[] = [];
    for (let i = 0; i < 15; i++) times.push(await timeIt(() => get(path)));
    // The minimum beside the median: the machine may be shared, and the minimum is the query's own cost.
    const { medianMs, minMs } = summarize(times);
    return { medianMs, minMs };
  };
  const page = (query: string) => time(`/v1/hosts?limit=100${query}`);
  return {
    hostsPage: {
      firstById: await page(''),
      page60ById: await page(await deep('', 60)),
      firstByLastSeenDesc: await page('&sort=-lastSeen'),
      page60ByLastSeenDesc: await page(`&sort=-lastSeen${await deep('&sort=-lastSeen', 60)}`),
      searchText: await page('&q=0042'),
      healthStale: await page('&health=stale'),
      healthDegradedLastSeen: await page('&health=degraded&sort=lastSeen'),
      notReady: await page('&ready=false'),
    },
    capacity: await time('/v1/capacity'),
    search: {
      pciOnEveryHost: await time('/v1/search?q=0000:10:10.1'),
      hostText: await time('/v1/search?q=host0004'),
      vlan: await time('/v1/search?q=100'),
    },
  };
}

const fleetText = (store: string) =>
  `${FLEET.hosts.toLocaleString('en')} hosts x ${FLEET.pfsPerHost} PFs x ${FLEET.vfsPerPf} VFs on ${store}`;

export async function hostQueriesBench() {
  const pglite = await openStore({ kind: 'pglite', template: await pgliteTemplate() });
  let onPglite: Awaited<ReturnType<typeof measure>>;
  try {
    onPglite = await measure(pglite);
  } finally {
    await pglite.close();
  }
  const cluster = await startPgCluster();
  try {
    const pg = await openStore({
      kind: 'postgres',
      url: await cluster.createDatabase('bench_hosts'),
    });
    try {
      return {
        pglite: { fleet: fleetText('PGlite'), ...onPglite },
        postgres: { fleet: fleetText('PostgreSQL'), ...(await measure(pg)) },
      };
    } finally {
      await pg.close();
    }
  } finally {
    await cluster.stop();
  }
}
