import type { DesiredState } from '../core/fleet/desired-host-state.js';
import type { HostInventory } from '../core/inventory.js';
import type { ApplyReport } from '../core/plan/apply-report.js';
import type { Clock } from '../core/ports.js';
import type { AgentClient } from './agent-client.js';
import { appliedFrom, inventoryKey } from './agent-report.js';

export interface AgentDeps {
  readonly client: AgentClient;
  readonly labels: Readonly<Record<string, string>>;
  /** The host layer's scan (names off: re-scans need no pci.ids). */
  readonly scan: () => Promise<HostInventory>;
  /**
   * A cheap fingerprint of what a scan would find changed (change-probe.ts);
   * between heartbeats the host is re-scanned only when it moves.
   */
  readonly probe?: (last: HostInventory) => Promise<string>;
  /** Doctor findings for the report; [] when not run. */
  readonly doctor: () => Promise<readonly unknown[]>;
  readonly apply: (state: DesiredState) => Promise<ApplyReport>;
  readonly clock: Clock;
  readonly log: (line: string) => void;
  /** How often the host is re-scanned for changes (one sysfs walk, one `ip`). */
  readonly rescanMs: number;
  /** A report is sent at least this often, so the controller knows the host is alive. */
  readonly heartbeatMs: number;
  readonly longPollSeconds: number;
}

/**
 * `vfleet agent`: registers, reports inventory whenever it changes (and a
 * heartbeat), long-polls the desired state, applies each new generation
 * with the host layer and reports the result. Runs until `signal` aborts.
 */
export async function runAgent(d: AgentDeps, signal: AbortSignal): Promise<void> {
  // A function, not the property: the signal flips while we await.
  const stopped = () => signal.aborted;
  await d.client.register(d.labels);
  let lastKey = '';
  let lastReport = -Infinity;
  let lastScan: HostInventory | null = null;
  let lastProbe = '';
  const probeNow = () => (d.probe && lastScan ? d.probe(lastScan) : Promise.resolve(''));
  const report = async (force: boolean) => {
    // Probed before the scan, so a change during the scan shows at the next probe.
    const probed = await probeNow();
    const inventory = await d.scan();
    lastScan = inventory;
    lastProbe = probed !== '' ? probed : await probeNow();
    const key = inventoryKey(inventory);
    if (!force && key === lastKey && d.clock.now() - lastReport < d.heartbeatMs) return;
    await d.client.report({ inventory, findings: await d.doctor() });
    lastKey = key;
    lastReport = d.clock.now();
  };
  await report(true);

  const watch = async () => {
    while (!stopped()) {
      await d.clock.sleep(d.rescanMs);
      if (stopped()) continue;
      const heartbeatDue = d.clock.now() - lastReport >= d.heartbeatMs;
      try {
        if (!heartbeatDue && lastProbe !== '' && (await probeNow()) === lastProbe) continue;
        await report(false);
      } catch (e) {
        d.log(`report failed: ${String(e)}`);
      }
    }
  };
  const follow = async () => {
    let applied = 0;
    while (!stopped()) {
      try {
        const want = await d.client.desired(applied, d.longPollSeconds, signal);
        if (want.generation <= applied) continue;
        const result = await d.apply(want.state).then(
          (r) => appliedFrom(want.generation, r, null),
          (e: unknown) => appliedFrom(want.generation, null, e),
        );
        await d.client.applied(result);
        applied = want.generation;
        // New VFs exist now: tell the controller without waiting for the next re-scan.
        await report(true);
      } catch (e) {
        if (stopped()) return;
        d.log(`desired state: ${String(e)}`);
        await d.clock.sleep(Math.min(d.rescanMs, 5_000));
      }
    }
  };
  await Promise.all([watch(), follow()]);
}
