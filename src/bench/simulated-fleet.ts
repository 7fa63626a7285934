import { createAgentClient } from '../agent/agent-client.js';
import type { AgentClient, FetchFn } from '../agent/agent-client.js';
import { AGENT_TIMINGS, runAgent } from '../agent/run-agent.js';
import type { ApiBody } from '../api/call-types.js';
import { createApiClient } from '../api/client.js';
import { hostRoutes } from '../api/routes/hosts.js';
import { networkRoutes } from '../api/routes/networks.js';
import { physnetRoutes } from '../api/routes/physnets.js';
import { specRoutes } from '../api/routes/specs.js';
import { tokenRoutes } from '../api/routes/tokens.js';
import { VfleetError } from '../core/errors.js';
import type { HostInventory } from '../core/inventory.js';
import { applySimulated, simulatedInventory } from './simulated-host.js';

/** physnet p1, spec igb, network blue of tenant bench: the fleet fleet-seed.ts writes, joined by agents. */
export interface SimulatedFleetShape {
  readonly hosts: number;
  readonly pfsPerHost: number;
  readonly vfsPerPf: number;
  readonly cpusPerNode: number;
  /** Labels host i registers with (default none). */
  readonly labels?: (i: number) => Readonly<Record<string, string>>;
  /** PCI bus of host i's first PF (default 0x10): lets a spec select some hosts' PFs by address. */
  readonly bus?: (i: number) => number;
  /** The specs made before the hosts join (default: `igb` on every igb PF, numVfs = vfsPerPf, physnet p1). */
  readonly specs?: readonly ApiBody<typeof specRoutes.create>[];
}

export interface SimulatedFleetOptions {
  /** Hosts joining at once (token, register, reports, first apply); default 32: a join is a chain of round trips, so more at once keep the controller busy. */
  readonly concurrency?: number;
  readonly onProgress?: (ready: number) => void;
  /** A host's agent received a desired generation newer than the one it asked after (its long poll answered). */
  readonly onDesired?: (host: string, generation: number) => void;
  /** A host's agent posted an apply result. */
  readonly onApplied?: (host: string, generation: number) => void;
  /** Longest a host may take to join before the fleet gives up (default 300 s). */
  readonly joinTimeoutMs?: number;
}

export interface SimulatedFleet {
  close(): Promise<void>;
  readonly hostIds: readonly string[];
  /** The ids of the specs made, by name (a spec is changed by id). */
  readonly specIds: Readonly<Record<string, string>>;
  readonly readySeconds: number;
  /** HTTP requests the agents sent so far (the bench's requests-per-second figure). */
  requests(): number;
  /** Lines the agents logged (failed reports, refused states): a healthy idle fleet logs none. */
  logs(): readonly string[];
}

export const simulatedHostName = (i: number): string => `host${String(i).padStart(5, '0')}`;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Real time, whose sleeps end early once `signal` aborts: closing the fleet waits for no rescan timer. */
function stoppableClock(signal: AbortSignal) {
  return {
    now: () => Date.now(),
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        signal.addEventListener('abort', wake);
      }),
  };
}

/**
 * Registers `shape.hosts` simulated hosts with the controller at `url`
 * through the agents' real code: each host gets its own agent token and runs
 * `runAgent` (the loop of `vfleet agent`: register, report, long-poll the
 * desired state, apply, post applied, heartbeat) with AGENT_TIMINGS, over
 * createAgentClient, with only the host layer simulated (simulated-host.ts).
 * Creates physnet, specs and network through the API first, and resolves
 * when the controller lists no host as not ready. The agents keep
 * long-polling and heartbeating until close().
 *
 * Node's fetch (undici) keeps connections alive with no per-origin cap, so
 * 10,000 long polls hold 10,000 sockets: both processes need `ulimit -n`
 * above that, and the controller's --max-connections (default 20,000).
 */
export async function startSimulatedFleet(
  url: string,
  adminToken: string,
  shape: SimulatedFleetShape,
  o: SimulatedFleetOptions = {},
): Promise<SimulatedFleet> {
  const t0 = performance.now();
  let requests = 0;
  const fetchFn: FetchFn = (u, init) => {
    requests++;
    return fetch(u, init);
  };
  const admin = createApiClient({ baseUrl: url, token: adminToken, fetch: fetchFn });
  await admin.call(physnetRoutes.create, {
    body: { name: 'p1', vlanRanges: [{ min: 100, max: 3999 }] },
  });
  const specs = shape.specs ?? [
    { name: 'igb', driver: 'igb', physnet: 'p1', numVfs: shape.vfsPerPf },
  ];
  const specIds: Record<string, string> = {};
  for (const body of specs) specIds[body.name] = (await admin.call(specRoutes.create, { body })).id;
  await admin.call(networkRoutes.create, {
    body: { name: 'blue', physnet: 'p1', tenant: 'bench', vlan: 100 },
  });

  // One signal per agent, not one for all: adding and removing a listener walks the signal's
  // list, and with 10,000 agents listening on one signal (each sleep and long poll adds one)
  // that walk alone kept this process's event loop busy and slowed the join.
  const stops: AbortController[] = [];
  const logs: string[] = [];
  const log = (line: string) => {
    if (logs.length < 1_000) logs.push(line);
  };
  const running: Promise<void>[] = [];
  const hostIds = Array.from({ length: shape.hosts }, (_, i) => simulatedHostName(i));
  const cpuList = (node: number) =>
    Array.from({ length: shape.cpusPerNode }, (_, c) => node * shape.cpusPerNode + c);
  // What a real agent reads from /sys/devices/system/node (host-topology.ts) with each report.
  const topology = {
    numaNodes: [0, 1].map((node) => ({
      node,
      socket: node,
      cpus: shape.cpusPerNode,
      cpuList: cpuList(node),
    })),
    memoryMb: 1 << 20,
  };

  /**
   * Host `name`'s agent token. A request that got no answer (at thousands of
   * agents this process's event loop runs late, so it may reuse a kept-alive
   * connection the controller has just closed) is sent again under a new
   * name: the lost one may have been made, and its secret went with the answer.
   */
  const agentToken = async (name: string): Promise<string> => {
    for (let attempt = 0; ; attempt++) {
      const body = {
        name: attempt === 0 ? `sim-${name}` : `sim-${name}-${attempt}`,
        role: 'agent',
        host: name,
      } as const;
      try {
        return (await admin.call(tokenRoutes.create, { body })).token;
      } catch (e) {
        if (attempt >= 2 || !(e instanceof VfleetError) || e.code !== 'MISSING_DEPENDENCY') throw e;
      }
    }
  };
  /** Starts host i's agent; resolves when it applied a generation and long-polls for the next. */
  const join = async (i: number): Promise<void> => {
    const name = simulatedHostName(i);
    const stop = new AbortController();
    stops.push(stop);
    const clock = stoppableClock(stop.signal);
    const base = createAgentClient(url, await agentToken(name), name, fetchFn);
    let inventory: HostInventory = simulatedInventory({
      name,
      pfs: shape.pfsPerHost,
      totalVfs: Math.max(shape.vfsPerPf, 7),
      bus: shape.bus?.(i) ?? 0x10,
    });
    let moved = 0;
    let applied = 0;
    let joined: () => void = () => undefined;
    const ready = new Promise<void>((r) => (joined = r));
    const client: AgentClient = {
      ...base,
      report: (b) => base.report({ ...b, ...topology }),
      async desired(after, waitSeconds, signal, digest) {
        // The agent asks after what it applied once its apply and report are done.
        if (after > 0 && after === applied) joined();
        const r = await base.desired(after, waitSeconds, signal, digest);
        if (!('refused' in r) && r.generation > after) o.onDesired?.(name, r.generation);
        return r;
      },
      async applied(r) {
        await base.applied(r);
        applied = r.generation;
        o.onApplied?.(name, r.generation);
      },
    };
    const done = runAgent(
      {
        client,
        labels: shape.labels?.(i) ?? {},
        scan: () => Promise.resolve(inventory),
        // The real probe's fingerprint moves when the devices do; here only an apply moves them.
        probe: () => Promise.resolve(String(moved)),
        doctor: () => Promise.resolve([]),
        apply: (state) => {
          const r = applySimulated(state, inventory);
          inventory = r.inventory;
          moved++;
          return Promise.resolve(r.report);
        },
        clock,
        log: (line) => {
          log(`${name}: ${line}`);
        },
        ...AGENT_TIMINGS,
      },
      stop.signal,
    ).catch((e: unknown) => {
      log(`${name}: agent ended: ${String(e)}`);
    });
    running.push(done);
    const limit = o.joinTimeoutMs ?? 300_000;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`${name} not ready after ${limit} ms: ${logs.slice(-5).join('; ')}`));
      }, limit);
    });
    try {
      await Promise.race([
        ready,
        late,
        // Why it stopped is in its log lines (an answered error ends an agent, as in `vfleet agent`).
        done.then(() =>
          Promise.reject(
            new Error(`${name} stopped: ${logs.filter((l) => l.startsWith(name)).join('; ')}`),
          ),
        ),
      ]);
    } finally {
      clearTimeout(timer);
    }
  };

  const close = async () => {
    for (const s of stops) s.abort();
    await Promise.all(running);
  };
  try {
    let next = 0;
    let ready = 0;
    const worker = async () => {
      while (next < shape.hosts) {
        await join(next++);
        o.onProgress?.(++ready);
      }
    };
    await Promise.all(Array.from({ length: o.concurrency ?? 32 }, worker));
    // The controller's word, not the agents': no host left whose declared state is not applied.
    const deadline = Date.now() + (o.joinTimeoutMs ?? 300_000);
    for (;;) {
      const page = await admin.call(hostRoutes.list, { query: { ready: 'false', limit: 1 } });
      if (page.items.length === 0) break;
      if (Date.now() > deadline)
        throw new Error(
          `${page.items[0]?.id ?? '?'} still not ready: ${logs.slice(-5).join('; ')}`,
        );
      await sleep(250);
    }
  } catch (e) {
    await close();
    throw e;
  }
  return {
    close,
    hostIds,
    specIds,
    readySeconds: (performance.now() - t0) / 1000,
    requests: () => requests,
    logs: () => logs,
  };
}
