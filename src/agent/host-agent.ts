import { runDoctor } from '../core/doctor/run-doctor.js';
import { VfleetError } from '../core/errors.js';
import type { Clock, SeedIsoStore } from '../core/ports.js';
import { createSeedDisks, NO_SEED_DISKS } from './seed-disks.js';
import { applyHostState } from '../host/apply/apply-host-state.js';
import { gatherDoctorInput } from '../host/doctor.js';
import type { ApplyIo } from '../host/host-io.js';
import { scanHost } from '../host/scan.js';
import { createAgentClient } from './agent-client.js';
import { changeFingerprint } from './change-probe.js';
import type { FetchFn } from './agent-client.js';
import { readHostTopology } from './host-topology.js';
import { AGENT_TIMINGS, runAgent } from './run-agent.js';
import { createDomainKeeper } from './domain-reconcile.js';
import { createDomainGuard } from './domain-guard.js';
import { listImages, type ImageStore } from './image-store.js';
import { summarizeIrqPins } from './irq-summary.js';
import { pinVfIrqs } from '../host/irq-affinity.js';
import type { HypervisorDriver } from '../core/libvirt/hypervisor-driver.js';
import type { VirtType } from '../core/libvirt/hypervisor-facts.js';
import type { HostInventory } from '../core/inventory.js';
import type { Registry } from 'prom-client';
import { readVfTraffic } from '../host/vf-traffic.js';
import { createAgentMetrics } from './agent-metrics.js';
import { appliedFrom } from './agent-report.js';

export interface HostAgentOptions {
  readonly controller: string;
  readonly token: string;
  /** The host's name in the fleet; default: its hostname. */
  readonly host?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Host access rooted at --host-root (a fixture host works like a real one), and the time apply waits by. */
  readonly io: ApplyIo;
  /** Only the live root has a kernel log worth reading with dmesg. */
  readonly liveRoot: boolean;
  readonly clock: Clock;
  readonly log: (line: string) => void;
  readonly fetch: FetchFn;
  /** The host's libvirt (or the render-only stand-in); without it the agent leaves domains alone. */
  readonly hypervisor?: AgentHypervisor;
  /**
   * The image store instances boot from by name (`--image-dir`) and the seed
   * folder (`--seed-dir`); reported with each report.
   */
  readonly images?: ImageStore;
  /** Writes guests' cloud-init seed CD-ROMs into the images' seed folder (seed-disks.ts). */
  readonly seeds?: SeedIsoStore;
  /** Where the agent's metrics go (`--metrics-listen` serves it); none: no metrics kept. */
  readonly metrics?: Registry;
}

export interface AgentHypervisor {
  readonly driver: HypervisorDriver;
  /** How other hosts reach this one's libvirt for live migration. */
  readonly migrationUri: string | null;
  /** Why the agent only renders, when it does. */
  readonly reason: string | null;
  /** kvm, or qemu (emulation) where the host has no KVM; absent: kvm is assumed. */
  readonly virtType?: VirtType | null;
}

/** `vfleet agent`: the agent loop over the real host layer (scan, doctor, apply). */
export async function runHostAgent(o: HostAgentOptions, signal: AbortSignal): Promise<void> {
  const host = o.host ?? (await scanHost(o.io, { names: false })).hostname;
  if (host === null || host === '') {
    throw new VfleetError('INVALID_INPUT', 'the host has no hostname; pass --host NAME', {
      field: 'host',
    });
  }
  const base = createAgentClient(o.controller.replace(/\/+$/, ''), o.token, host, o.fetch);
  const hv = o.hypervisor;
  // A seed folder is reported only where this agent can write seeds into it.
  const images =
    o.images === undefined || o.seeds !== undefined
      ? o.images
      : { dir: o.images.dir, fs: o.images.fs };
  const hypervisorFacts =
    hv === undefined
      ? {}
      : {
          hypervisor: {
            kind: hv.driver.kind,
            migrationUri: hv.migrationUri,
            reason: hv.reason,
            ...(hv.virtType === undefined ? {} : { virtType: hv.virtType }),
          },
        };
  const client = {
    ...base,
    // Every report carries the NUMA topology the scheduler counts CPUs on.
    report: async (body: Parameters<typeof base.report>[0]) =>
      base.report({
        ...body,
        ...(await readHostTopology(o.io.fs)),
        ...hypervisorFacts,
        ...(images === undefined ? {} : { images: await listImages(images) }),
      }),
  };
  const seconds = (since: number) => (o.clock.now() - since) / 1000;
  let lastScan: HostInventory | null = null;
  const metrics =
    o.metrics === undefined
      ? null
      : createAgentMetrics(
          o.metrics,
          // Named by the last scan: the counters are read at scrape time, the VFs' names are not.
          () => (lastScan === null ? Promise.resolve([]) : readVfTraffic(o.io.runner, lastScan)),
          () => o.clock.now(),
          o.log,
        );
  await runAgent(
    {
      client,
      labels: o.labels,
      scan: async () => {
        const start = o.clock.now();
        lastScan = await scanHost(o.io, { names: false });
        metrics?.observeScan(seconds(start));
        return lastScan;
      },
      // The image store is probed too: an image copied in is reported at the next rescan.
      probe: async (last) => {
        const devices = await changeFingerprint(o.io.fs, last);
        return images === undefined
          ? devices
          : `${devices}\nimages ${JSON.stringify(await listImages(images))}`;
      },
      doctor: async () =>
        runDoctor(await gatherDoctorInput(o.io, { liveKernelLog: o.liveRoot })).findings,
      apply: async (state) => {
        const start = o.clock.now();
        try {
          const r = await applyHostState(state, o.io);
          // Judged as the controller hears it (agent-report.ts): a PF step failing fails the apply.
          metrics?.observeApply(seconds(start), appliedFrom(0, r, null).ok);
          return r;
        } catch (e) {
          metrics?.observeApply(seconds(start), false);
          throw e;
        }
      },
      ...(hv === undefined
        ? {}
        : {
            domains: createDomainKeeper(
              hv.driver,
              createDomainGuard(images ?? null),
              images?.seedDir === undefined || o.seeds === undefined
                ? NO_SEED_DISKS
                : createSeedDisks(images.seedDir, o.seeds),
            ),
          }),
      pinIrqs: async () => summarizeIrqPins(await pinVfIrqs(o.io)),
      clock: o.clock,
      log: o.log,
      ...AGENT_TIMINGS,
    },
    signal,
  );
}
