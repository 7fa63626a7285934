import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../adapters/store/db-types.js';
import { createVirshDriver } from '../adapters/virsh/virsh-driver.js';
import { runHostAgent } from '../agent/host-agent.js';
import type { ImageStore } from '../agent/image-store.js';
import { realClock } from '../testing/real-clock.js';
import { FakeLibvirt } from '../testing/fake-libvirt.js';
import { buildFixtureHost, type FixtureHost } from '../testing/fixture-host.js';
import type { FleetApi } from '../testing/fleet-sim.js';
import type { PgCluster } from '../testing/pg-cluster.js';
import { createSimulatedKernelFs } from '../testing/simulated-kernel-fs.js';
import { imageStoreOn, libvirtUri } from '../testing/vm-fleet.js';
import { invariantReader } from './chaos-invariants.js';
import { startControllerPair, type ControllerPair } from './controller-pair.js';

/**
 * The chaos soak's fleet: two `vfleet controller` processes (the built
 * binary) on one PostgreSQL database, and fixture hosts whose real agents
 * (in this process, half of them on each controller) drive one FakeLibvirt
 * world through the real virsh driver, so instances boot and live-migrate.
 * Each piece can be killed and brought back: that is the point.
 */
export interface ChaosFleet {
  /** The two controllers as clients see them (the same admin token on both). */
  readonly apis: readonly [FleetApi, FleetApi];
  readonly hosts: readonly string[];
  readonly libvirt: FakeLibvirt;
  /** The soak's own connection (application_name vfleet-soak): invariants are read here. */
  readonly db: Kysely<Database>;
  /** Is controller i serving now (not killed and not yet back)? */
  controllerUp(i: number): boolean;
  /** SIGKILL controller i: no goodbye, its transactions cut where they stood. */
  killController(i: number): Promise<void>;
  /** Starts controller i again on its own address and database. */
  startController(i: number): Promise<void>;
  agentUp(host: string): boolean;
  /** Stops a host's agent (its loop aborted, requests in flight dropped). */
  stopAgent(host: string): Promise<void>;
  startAgent(host: string): Promise<void>;
  /** Ends every connection the controllers hold to PostgreSQL; returns how many. */
  terminateBackends(): Promise<number>;
  /** What both controllers printed so far (their logs, killed runs included). */
  controllerOutput(): string;
  /** Agent log lines (what went wrong is read here when something did). */
  readonly logs: string[];
  close(): Promise<void>;
}

export interface ChaosFleetOptions {
  readonly cluster: PgCluster;
  readonly hosts: number;
  /** VFs each of a host's two igb PFs gets from spec `igb` (at most 7). */
  readonly vfsPerPf: number;
}

interface AgentSlot {
  readonly fixture: FixtureHost;
  readonly fs: ReturnType<typeof createSimulatedKernelFs>['fs'];
  readonly controller: number;
  readonly images: ImageStore;
  readonly token: string;
  stop: AbortController | null;
  done: Promise<void> | null;
}

export async function startChaosFleet(o: ChaosFleetOptions): Promise<ChaosFleet> {
  const dir = await mkdtemp(join(tmpdir(), 'vfleet-chaos-'));
  const databaseUrl = await o.cluster.createDatabase(`chaos_${String(Date.now())}`);
  const db = invariantReader(databaseUrl);
  let pair: ControllerPair | null = null;
  const logs: string[] = [];
  const agents = new Map<string, AgentSlot>();
  const names = Array.from({ length: o.hosts }, (_, i) => `hv-${String(i + 1).padStart(2, '0')}`);
  const libvirt = new FakeLibvirt(names.map(libvirtUri));

  const startAgent = (host: string): Promise<void> => {
    const a = agents.get(host);
    if (a?.stop !== null || pair === null) return Promise.resolve();
    const stop = new AbortController();
    a.stop = stop;
    a.done = runHostAgent(
      {
        controller: pair.url(a.controller),
        token: a.token,
        host,
        labels: {},
        io: { fs: a.fs, runner: a.fixture.runner, clock: realClock },
        liveRoot: false,
        clock: realClock,
        log: (l) => logs.push(`${host}: ${l}`),
        fetch,
        hypervisor: {
          driver: createVirshDriver(libvirt.runner(libvirtUri(host)), { uri: libvirtUri(host) }),
          migrationUri: libvirtUri(host),
          reason: null,
        },
        images: a.images,
      },
      stop.signal,
    ).catch((e: unknown) => {
      logs.push(`${host}: agent ended: ${String(e)}`);
    });
    return Promise.resolve();
  };
  const stopAgent = async (host: string) => {
    const a = agents.get(host);
    if (a?.stop == null) return;
    a.stop.abort();
    await a.done;
    a.stop = null;
    a.done = null;
  };

  const close = async () => {
    for (const h of agents.keys()) await stopAgent(h);
    await pair?.close();
    await db.destroy();
    for (const a of agents.values()) await a.fixture.cleanup();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    pair = await startControllerPair(databaseUrl, dir);
    const { apis, admin } = pair;
    const [api] = apis;
    const catalog: [string, unknown][] = [
      ['/v1/physnets', { name: 'p1', vlanRanges: [{ min: 100, max: 199 }] }],
      ['/v1/specs', { name: 'igb', driver: 'igb', physnet: 'p1', numVfs: o.vfsPerPf }],
      ['/v1/networks', { name: 'blue', physnet: 'p1', tenant: 'acme', vlan: 120 }],
    ];
    for (const [path, body] of catalog) {
      const r = await api.call('POST', path, admin, body);
      if (r.status !== 201)
        throw new Error(`${path}: ${String(r.status)} ${JSON.stringify(r.body)}`);
    }
    for (const [i, host] of names.entries()) {
      const bus = (0x3b + i * 2).toString(16);
      const fixture = await buildFixtureHost({
        hostname: host,
        pfs: [0, 1].map((n) => ({
          pciAddress: `0000:${bus}:00.${String(n)}`,
          totalVfs: 7,
          numaNode: 0,
          localCpus: '0-3',
        })),
      });
      const token = await api.token('agent', { host });
      agents.set(host, {
        fixture,
        fs: createSimulatedKernelFs(fixture).fs,
        controller: i % 2,
        images: await imageStoreOn(fixture.root),
        token,
        stop: null,
        done: null,
      });
      await startAgent(host);
    }
    await allReady(api, names, o.vfsPerPf * 2);
    return {
      apis,
      hosts: names,
      libvirt,
      db,
      logs,
      controllerUp: (i) => pair?.up(i) === true,
      killController: (i) => pair?.kill(i) ?? Promise.resolve(),
      startController: (i) => pair?.start(i) ?? Promise.resolve(),
      controllerOutput: () => pair?.output() ?? '',
      agentUp: (h) => agents.get(h)?.stop != null,
      stopAgent,
      startAgent,
      async terminateBackends() {
        const { rows } = await sql<{ n: number }>`
          select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()
            and application_name <> 'vfleet-soak'`.execute(db);
        return rows[0]?.n ?? 0;
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Every host ready with its VFs: the churn starts on a fleet that can place. */
async function allReady(api: FleetApi, hosts: readonly string[], vfs: number) {
  const end = Date.now() + 120_000;
  for (const host of hosts) {
    for (;;) {
      const r = await api.call('GET', `/v1/hosts/${host}`, api.admin);
      const have = ((r.body.pfs ?? []) as { vfs: unknown[] }[]).reduce(
        (n, p) => n + p.vfs.length,
        0,
      );
      if (r.status === 200 && r.body.ready === true && have === vfs) break;
      if (Date.now() > end)
        throw new Error(
          `${host} not ready with ${String(vfs)} VFs: ${JSON.stringify(r.body).slice(0, 500)}`,
        );
      await new Promise((res) => setTimeout(res, 200));
    }
  }
}
