import { sql } from 'kysely';
import { startReadBenchController, withReadBenchStore } from './read-bench-controller.js';
import type { OpenedStore } from '../adapters/store/open-store.js';
import { seedFleet } from './fleet-seed.js';
import { LIST_CASES, PAGE_TARGET_MS, judge, type ListCase } from './list-cases.js';
import { round } from './stats.js';

/**
 * P9 of issue 14: every list of the API at 10,000 hosts x 2 PFs x 64 VFs
 * on PostgreSQL, through a real controller on 127.0.0.1 (HTTP, JSON, auth),
 * with 1,000 instances and 2,000 ports held (made through the API, so
 * events and audit records are the real ones). Each list: its first page
 * and a deep page (reached by following cursors), with each filter;
 * median and p99 of REPEATS requests, pass when p99 <= TARGET_MS.
 */
const FLEET = { hosts: 10_000, pfsPerHost: 2, vfsPerPf: 64, cpusPerNode: 64 };
const INSTANCES = 1000;
const REPEATS = 100;

/**
 * The fleet the lists read. One function so the seeding can be swapped
 * (hosts joined through the agents' real code) without touching the rest:
 * seedFleet writes the hosts, then a tenth of them are made stale, degraded
 * or not ready, and each carries a rack label, so every host filter has rows.
 */
export async function makeListFleet(store: OpenedStore, now: number): Promise<void> {
  const at = new Date(now).toISOString();
  await seedFleet(store, { ...FLEET, now: at });
  const db = store.db;
  await sql`update hosts set labels = jsonb_build_object('rack', 'r' || (substr(id, 5)::int % 100))`.execute(
    db,
  );
  await sql`update hosts set last_seen = last_seen - interval '1 hour' where id like '%7'`.execute(
    db,
  );
  await sql`update hosts set healthy = false where id like '%3'`.execute(db);
  await sql`update hosts set applied_generation = 0 where id like '%5'`.execute(db);
  await sql`analyze`.execute(db);
}

type Get = (path: string) => Promise<{ items?: unknown[]; nextCursor?: string | null }>;

function client(url: string, token: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
  };
  const get: Get = (path) => call('GET', path);
  return { call, get };
}

/** Instances (2 ports each, one in ten of tenant `red`) made through POST /v1/instances, 8 at a time. */
async function holdInstances(c: ReturnType<typeof client>): Promise<number> {
  await c.call('POST', '/v1/networks', { name: 'red', tenant: 'red', physnet: 'p1', vlan: 101 });
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < INSTANCES) {
      const n = next++;
      const red = n % 10 === 0;
      await c.call('POST', '/v1/instances', {
        name: `vm${n}`,
        vcpus: 1,
        memoryMb: 256,
        tenant: red ? 'red' : 'bench',
        ports: [{ network: red ? 'red' : 'blue' }, { network: red ? 'red' : 'blue' }],
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return round((performance.now() - t0) / 1000);
}

/** The cursor after following `pages` pages of `path` (null: the list ended first). */
async function cursorAfter(get: Get, path: string, pages: number): Promise<string | null> {
  let cursor: string | null = null;
  for (let i = 0; i < pages; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(cursor === null ? path : `${path}${sep}cursor=${cursor}`);
    if (page.nextCursor === null || page.nextCursor === undefined) return cursor;
    cursor = page.nextCursor;
  }
  return cursor;
}

interface Timed {
  readonly items: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly pass: boolean;
}

/** One list's figures; `deep` null when the list ended before the deep page. */
interface CaseResult {
  readonly path: string;
  readonly first: Timed;
  readonly deep?: (Timed & { readonly afterPages: number }) | null;
}

async function timeCase(get: Get, path: string): Promise<Timed> {
  await get(path);
  const times: number[] = [];
  let items = 0;
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    const page = await get(path);
    times.push(performance.now() - t0);
    items = page.items?.length ?? 0;
  }
  return { items, ...judge(times) };
}

async function measureCase(
  get: Get,
  ids: Record<string, string>,
  c: ListCase,
): Promise<CaseResult> {
  const path = c.path(ids);
  const first = await timeCase(get, path);
  if (c.deepPages === undefined) return { path, first };
  const cursor = await cursorAfter(get, path, c.deepPages);
  if (cursor === null) return { path, first, deep: null };
  const sep = path.includes('?') ? '&' : '?';
  return {
    path,
    first,
    deep: { afterPages: c.deepPages, ...(await timeCase(get, `${path}${sep}cursor=${cursor}`)) },
  };
}

async function measure(store: OpenedStore) {
  const now = Date.now();
  const t0 = performance.now();
  await makeListFleet(store, now);
  const seedSeconds = round((performance.now() - t0) / 1000);
  const ctl = await startReadBenchController(store, now);
  try {
    const token = ctl.token;
    const c = client(ctl.url, token);
    const instanceSeconds = await holdInstances(c);
    await sql`analyze`.execute(store.db);
    // Ids the filters name: a host holding instances, an instance, its VF and MAC.
    const inst = (await c.get('/v1/instances?limit=1&tenant=bench')).items?.[0] as {
      id: string;
      ports: { id: string; host: string; pciAddress: string; mac: string }[];
    };
    const port = inst.ports[0];
    if (port === undefined) throw new Error('the first instance has no port');
    const ids = { instance: inst.id, host: port.host, vf: port.pciAddress, mac: port.mac };
    const lists: Record<string, CaseResult> = {};
    for (const lc of LIST_CASES) {
      lists[lc.name] = await measureCase(c.get, ids, lc);
      process.stderr.write(`list: ${lc.name} ${JSON.stringify(lists[lc.name])}\n`);
    }
    return { seedSeconds, instances: INSTANCES, ports: 2 * INSTANCES, instanceSeconds, lists };
  } finally {
    await ctl.close();
  }
}

export async function listsBench() {
  const r = await withReadBenchStore(measure);
  const failing = Object.entries(r.lists)
    .filter(([, m]) => !m.first.pass || m.deep?.pass === false)
    .map(([name]) => name);
  return {
    fleet: `${FLEET.hosts.toLocaleString('en')} hosts x ${FLEET.pfsPerHost} PFs x ${FLEET.vfsPerPf} VFs on PostgreSQL`,
    targetMs: PAGE_TARGET_MS,
    repeats: REPEATS,
    allPass: failing.length === 0,
    failing,
    ...r,
  };
}
