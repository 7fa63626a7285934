import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHostAgent, type HostAgentOptions } from '../agent/host-agent.js';
import type { HostFs } from '../core/ports.js';
import { DEFAULT_CONFIG, type ControllerConfig } from '../controller/controller-deps.js';
import { runController } from '../controller/run-controller.js';
import { buildFixtureHost, type FixtureHost } from './fixture-host.js';
import type { FleetApi } from './fleet-sim.js';
import { httpFleet } from './http-fleet.js';
import { createSimulatedKernelFs } from './simulated-kernel-fs.js';
import { openTestStore, type StoreKind } from './store-targets.js';
import type { OpenedStore } from '../adapters/store/open-store.js';
import { realWorld } from '../bin/real-world.js';
import { realClock } from './real-clock.js';

/** Polls `probe` until it gives a value; fails naming `what` after `ms`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  ms = 20_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A fixture host with one igb PF and no VFs yet; its kernel creates VFs on sriov_numvfs writes. */
export async function igbHost(hostname: string, pf: string, numaNode: number) {
  const fixture = await buildFixtureHost({
    hostname,
    pfs: [{ pciAddress: pf, totalVfs: 7, numaNode, localCpus: numaNode === 0 ? '0-3' : '4-7' }],
  });
  return { fixture, kernel: createSimulatedKernelFs(fixture) };
}

/** A fixture host as an agent sees it: its files through the simulated kernel, its programs. */
export interface AgentHost {
  readonly fixture: FixtureHost;
  readonly kernel: { readonly fs: HostFs };
}

/** A controller over HTTP on 127.0.0.1 on a fresh store, with agents on fixture hosts. */
export interface TestController {
  readonly url: string;
  /** Calls with the admin token the controller wrote at start. */
  readonly api: FleetApi;
  /** Controller and agent log lines: an end-to-end run should leave none. */
  readonly logs: string[];
  /** The controller's event lines (`event id=...`), kept apart from the log lines above. */
  readonly events: string[];
  /** The controller's store, for what only its tables show (the audit log's every row). */
  readonly store: OpenedStore;
  /** Starts the agent of host `name` (with its own agent token); it runs until close. */
  startAgent(
    name: string,
    host: AgentHost,
    more?: Pick<HostAgentOptions, 'labels' | 'hypervisor' | 'images' | 'seeds'> &
      Partial<Pick<HostAgentOptions, 'fetch' | 'metrics'>>,
  ): Promise<void>;
  /** Stops the agents, then the controller and its store; fixture hosts are the caller's. */
  close(): Promise<void>;
}

export async function startTestController(
  kind: StoreKind,
  config: Partial<ControllerConfig> = {},
): Promise<TestController> {
  const dir = await mkdtemp(join(tmpdir(), 'vfleet-e2e-'));
  const logs: string[] = [];
  const events: string[] = [];
  const { store } = await openTestStore(kind);
  const ctl = await runController({
    ...realWorld,
    store,
    host: '127.0.0.1',
    port: 0,
    adminTokenFile: join(dir, 'admin-token'),
    config: { ...DEFAULT_CONFIG, ...config },
    now: () => Date.now(),
    log: (l) => (l.startsWith('event ') ? events : logs).push(`controller: ${l}`),
    serializeClaims: store.embedded,
  });
  const api = httpFleet(ctl.url, (await readFile(join(dir, 'admin-token'), 'utf8')).trim());
  const stop = new AbortController();
  const agents: Promise<void>[] = [];
  return {
    url: ctl.url,
    api,
    logs,
    events,
    store,
    async startAgent(name, { fixture, kernel }, more = { labels: {} }) {
      const token = await api.token('agent', { host: name });
      const options: HostAgentOptions = {
        controller: ctl.url,
        token,
        io: { fs: kernel.fs, runner: fixture.runner, clock: realClock },
        liveRoot: false,
        clock: realClock,
        log: (l) => logs.push(`${name}: ${l}`),
        fetch,
        ...more,
      };
      agents.push(runHostAgent(options, stop.signal));
    },
    async close() {
      stop.abort();
      await Promise.all(agents);
      await ctl.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
