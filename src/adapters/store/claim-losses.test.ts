import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Network } from '../../core/fleet/model.js';
import type { ClaimInput, NewPort } from '../../core/fleet/claim-store.js';
import type { AppliedVms, ReportedPf } from '../../core/fleet/host-store.js';
import { hostRenderFactsOf } from '../../core/fleet/host-render-facts.js';
import { deviceSpec } from '../../testing/device-spec.js';
import { NO_LINK, NOT_REPORTED } from '../../testing/reported-devices.js';
import { STORE_KINDS, openTestStore, stopPgCluster } from '../../testing/store-targets.js';
import type { OpenedStore } from './open-store.js';

/** An applied report without domains. */
const NO_VMS: AppliedVms = { results: [], goneEvents: () => [] };

afterAll(stopPgCluster);

/**
 * Each reason a claim loses, asserted on the store itself: the claim's
 * transaction re-checks what the scheduler read (host fresh, CPUs, memory,
 * MACs, VFs) and turns the claim down with that reason, writing nothing.
 * Each losing claim is followed by the same claim with only that one thing
 * changed, which wins: the reason named is the one that decided.
 */

const SEEN = '2030-01-01T00:00:00.000Z';
const BEFORE_SEEN = '2029-12-31T23:59:00.000Z';
const AFTER_SEEN = '2030-01-01T00:00:00.001Z';

const pf: ReportedPf = {
  pciAddress: '0000:01:00.0',
  ifname: 'eth1',
  vendorId: '8086',
  deviceId: '1521',
  driver: 'igb',
  totalVfs: 7,
  numVfs: 4,
  numaNode: 0,
  link: NO_LINK,
  eswitchMode: null,
  vfs: Array.from({ length: 4 }, (_, i) => ({
    index: i,
    pciAddress: `0000:01:10.${i}`,
    reported: NOT_REPORTED,
  })),
};

interface Fleet {
  readonly store: OpenedStore;
  readonly host: string;
  readonly pfId: number;
  readonly net: Network;
}

/** The catalog every test's host is tagged by: physnet p1, spec s1 (4 VFs per PF), network blue. */
async function catalog(store: OpenedStore): Promise<Network> {
  await store.catalog.createPhysnet({ name: 'p1', vlanRanges: [{ min: 100, max: 199 }] });
  await store.catalog.createSpec(deviceSpec({ id: 's1', name: 's1', numVfs: 4, createdAt: SEEN }));
  return store.catalog.createNetwork({
    id: 'n1',
    name: 'blue',
    tenant: 't',
    physnet: 'p1',
    vlan: null,
  });
}

/** A host of its own per test, last seen at SEEN: one PF with 4 VFs, NUMA node 0 with 4 CPUs, 4096 MB. */
async function fleet(store: OpenedStore, net: Network, host: string): Promise<Fleet> {
  await store.hosts.register(host, {}, SEEN);
  const numaNodes = [{ node: 0, socket: 0, cpus: 4 }];
  const h = await store.hosts.report(
    host,
    { pfs: [pf], numaNodes, memoryMb: 4096, healthy: true, findings: [] },
    hostRenderFactsOf({ pfs: [pf] }, numaNodes),
    SEEN,
  );
  await store.hosts.applied(
    host,
    { generation: h.desiredGeneration, ok: true, failedVfs: [], message: null },
    NO_VMS,
    SEEN,
  );
  const cand = (await store.claims.candidates(['p1'], BEFORE_SEEN)).find((c) => c.id === host);
  const pfId = cand?.pfs[0]?.id;
  if (pfId === undefined) throw new Error(`${host} is not a candidate`);
  return { store, host, pfId, net };
}

let seq = 0;
const port = (f: Fleet, mac: string): NewPort => ({
  id: `port-${++seq}`,
  network: f.net,
  vnicType: 'direct',
  mac,
  macGenerated: false,
  trusted: false,
  spoofchk: true,
  maxTxRate: 0,
  minTxRate: 0,
});

/** A claim of `macs.length` VFs on the host's PF, 1 vCPU and 256 MB on node 0, made at SEEN. */
function claim(
  f: Fleet,
  over: { macs?: string[]; vcpus?: number; memoryMb?: number; staleBefore?: string } = {},
): ClaimInput {
  const macs = over.macs ?? [`fa:16:3e:00:01:${(++seq % 256).toString(16).padStart(2, '0')}`];
  const id = `i-${++seq}`;
  return {
    id,
    name: id,
    tenant: 't',
    vcpus: over.vcpus ?? 1,
    memoryMb: over.memoryMb ?? 256,
    numaPolicy: 'required',
    hostLabels: {},
    placement: {
      hostId: f.host,
      numaNode: 0,
      ports: macs.map(() => ({ pfId: f.pfId, physnet: 'p1', vfTrusted: false })),
    },
    ports: macs.map((m) => port(f, m)),
    now: SEEN,
    reservedUntil: '2030-01-01T00:05:00.000Z',
    staleBefore: over.staleBefore ?? BEFORE_SEEN,
  };
}

async function wins(f: Fleet, c: ClaimInput): Promise<void> {
  const r = await f.store.claims.claim(c);
  expect(r.ok ? 'won' : r).toBe('won');
}

/** What a lost claim must leave as it was: instances, ports, VF states, the host's generation. */
async function footprint(s: OpenedStore, hostId: string) {
  const instances = await s.db.selectFrom('instances').select('id').orderBy('id').execute();
  const ports = await s.db.selectFrom('ports').select('id').orderBy('id').execute();
  const vfs = await s.db
    .selectFrom('vfs')
    .select(['id', 'state', 'port_id'])
    .orderBy('id')
    .execute();
  const host = await s.db
    .selectFrom('hosts')
    .select('desired_generation')
    .where('id', '=', hostId)
    .executeTakeFirstOrThrow();
  return { instances, ports, vfs, host };
}

async function loses(f: Fleet, c: ClaimInput, expected: unknown): Promise<void> {
  const before = await footprint(f.store, f.host);
  expect(await f.store.claims.claim(c)).toEqual(expected);
  expect(await footprint(f.store, f.host)).toEqual(before);
}

describe.each(STORE_KINDS)('claim losses on %s', (kind) => {
  // One store per kind (a PGlite costs seconds to open); each test claims on a host of its own.
  let opened: { store: OpenedStore; net: Network } | null = null;
  beforeAll(async () => {
    const { store } = await openTestStore(kind);
    opened = { store, net: await catalog(store) };
  }, 60_000);
  afterAll(async () => {
    await opened?.store.close();
  });
  let hosts = 0;
  const withFleet = (body: (f: Fleet) => Promise<void>) => async () => {
    if (opened === null) throw new Error('store not opened');
    await body(await fleet(opened.store, opened.net, `h${++hosts}`));
  };

  it(
    'host: a host gone stale since the scheduler read it loses the claim',
    withFleet(async (f) => {
      // The scheduler read h1 as fresh; by the claim, its last report is older than staleBefore.
      await loses(f, claim(f, { staleBefore: AFTER_SEEN }), { ok: false, lost: 'host' });
      await loses(f, claim(f, { staleBefore: '2030-01-01T00:10:00.000Z' }), {
        ok: false,
        lost: 'host',
      });
      await wins(f, claim(f, { staleBefore: SEEN }));
    }),
  );

  it(
    'cpus: CPUs of the NUMA node taken meanwhile lose the claim',
    withFleet(async (f) => {
      await wins(f, claim(f, { vcpus: 3 }));
      await loses(f, claim(f, { vcpus: 2 }), { ok: false, lost: 'cpus' });
      await wins(f, claim(f, { vcpus: 1 }));
      await loses(f, claim(f, { vcpus: 1 }), { ok: false, lost: 'cpus' });
    }),
  );

  it(
    'memory: memory taken meanwhile loses the claim',
    withFleet(async (f) => {
      await wins(f, claim(f, { memoryMb: 3000 }));
      await loses(f, claim(f, { memoryMb: 1097 }), { ok: false, lost: 'memory' });
      await wins(f, claim(f, { memoryMb: 1096 }));
      await loses(f, claim(f, { memoryMb: 1 }), { ok: false, lost: 'memory' });
    }),
  );

  it(
    'mac: a MAC taken meanwhile loses the claim, naming the port that holds it',
    withFleet(async (f) => {
      await wins(f, claim(f, { macs: ['fa:16:3e:00:00:0a'] }));
      await loses(f, claim(f, { macs: ['fa:16:3e:00:00:0b', 'fa:16:3e:00:00:0a'] }), {
        ok: false,
        lost: 'mac',
        portIndex: 1,
      });
      await loses(f, claim(f, { macs: ['fa:16:3e:00:00:0a', 'fa:16:3e:00:00:0b'] }), {
        ok: false,
        lost: 'mac',
        portIndex: 0,
      });
      await wins(f, claim(f, { macs: ['fa:16:3e:00:00:0b', 'fa:16:3e:00:00:0c'] }));
    }),
  );

  it(
    'vfs: VFs taken meanwhile lose the claim',
    withFleet(async (f) => {
      await wins(f, claim(f, { macs: ['fa:16:3e:00:00:01', 'fa:16:3e:00:00:02'] }));
      await wins(f, claim(f, { macs: ['fa:16:3e:00:00:03'] }));
      // One VF left on the PF the scheduler saw with four.
      await loses(f, claim(f, { macs: ['fa:16:3e:00:00:04', 'fa:16:3e:00:00:05'] }), {
        ok: false,
        lost: 'vfs',
      });
      await wins(f, claim(f, { macs: ['fa:16:3e:00:00:04'] }));
      await loses(f, claim(f, { macs: ['fa:16:3e:00:00:05'] }), { ok: false, lost: 'vfs' });
    }),
  );
});
