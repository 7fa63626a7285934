import type { DesiredState } from '../core/fleet/desired-host-state.js';
import type { HostInventory } from '../core/inventory.js';
import type { ApplyReport } from '../core/plan/apply-report.js';
import type { Clock } from '../core/ports.js';
import type { AgentClient, DesiredRefused } from './agent-client.js';
import { appliedFrom, inventoryKey } from './agent-report.js';
import { isVfleetError } from '../core/errors.js';
import type { Finding } from '../core/doctor/finding.js';
import { unanswered } from '../api/client-errors.js';
import type { AgentTask, DomainKeeper } from './domain-reconcile.js';
import type { IrqPins } from './irq-summary.js';

/**
 * A real agent's cadence (`vfleet agent`): a cheap re-scan probe every 5 s,
 * a long poll held 55 s (the API allows 60) that is also the heartbeat, and
 * a separate heartbeat only when no such poll was heard for 30 s (during an
 * apply, against a controller that does not take polls as heartbeats). The
 * fleet-scale benches' simulated agents use the same, so their figures are
 * a real fleet's.
 */
export const AGENT_TIMINGS = { rescanMs: 5_000, heartbeatMs: 30_000, longPollSeconds: 55 } as const;

/** A poll the controller takes as a heartbeat covers the host this long past its wait (a slow answer). */
const POLL_GRACE_MS = 10_000;

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
  readonly doctor: () => Promise<readonly Finding[]>;
  readonly apply: (state: DesiredState) => Promise<ApplyReport>;
  /** Keeps the host's libvirt domains as the controller lists them, and runs migration tasks. */
  readonly domains?: DomainKeeper;
  /** Pins the IRQs of VFs used as host netdevs to their NUMA node's CPUs after each apply. */
  readonly pinIrqs?: () => Promise<IrqPins>;
  readonly clock: Clock;
  readonly log: (line: string) => void;
  /** How often the host is re-scanned for changes (one sysfs walk, one `ip`). */
  readonly rescanMs: number;
  /**
   * A report is sent at least this often, so the controller knows the host
   * is alive. When the probe saw nothing move, it is the last report again:
   * no scan.
   */
  readonly heartbeatMs: number;
  /**
   * Doctor findings are re-computed with each scan that is reported, else
   * on a heartbeat once they are this old (default 5 minutes).
   */
  readonly doctorMs?: number;
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
  /**
   * The controller answering with an error (a bad token) ends the agent; not
   * reaching it (restarting, a connection it closed while this process was
   * busy with a cold scan) is retried, so an agent started first still joins.
   */
  const untilReached = async (what: string, f: () => Promise<void>) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await f();
        return;
      } catch (e) {
        if ((isVfleetError(e) && !unanswered(e)) || stopped()) throw e;
        d.log(`${what}: ${e instanceof Error ? e.message : String(e)}; trying again`);
        await d.clock.sleep(Math.min(1_000 * 2 ** attempt, 30_000));
      }
    }
  };
  await untilReached('register', () => d.client.register(d.labels));
  let lastKey = '';
  let lastReport = -Infinity;
  let lastScan: HostInventory | null = null;
  let lastProbe = '';
  let lastSent: { inventory: HostInventory; findings: readonly Finding[] } | null = null;
  let lastDoctor = -Infinity;
  const doctorMs = d.doctorMs ?? 300_000;
  const probeNow = () => (d.probe && lastScan ? d.probe(lastScan) : Promise.resolve(''));
  // What the controller holds the last report by (null: an older controller, or none yet).
  let heldAs: string | null = null;
  /**
   * The controller answers polls that carry the digest as heartbeats (its
   * answers say reportNeeded): while such a poll is out (since `pollSince`),
   * the host is heard and no separate heartbeat goes. Until the first answer
   * the agent cannot know, so heartbeats go as to an older controller.
   */
  let pollHeard = false;
  let pollSince: number | null = null;
  const pollCovers = () =>
    pollHeard &&
    pollSince !== null &&
    d.clock.now() - pollSince < d.longPollSeconds * 1000 + POLL_GRACE_MS;
  const send = async (body: { inventory: HostInventory; findings: readonly Finding[] }) => {
    heldAs = null;
    heldAs = await d.client.report(body);
    lastSent = body;
    lastReport = d.clock.now();
  };
  const doctorNow = async () => {
    const findings = await d.doctor();
    lastDoctor = d.clock.now();
    return findings;
  };
  const report = async (force: boolean) => {
    // Probed before the scan, so a change during the scan shows at the next probe.
    const probed = await probeNow();
    const inventory = await d.scan();
    lastScan = inventory;
    lastProbe = probed !== '' ? probed : await probeNow();
    // The probe's reading is part of the key: what it sees beyond the inventory (the image store) is reported too.
    const key = `${inventoryKey(inventory)}\n${lastProbe}`;
    if (!force && key === lastKey && d.clock.now() - lastReport < d.heartbeatMs) return;
    await send({ inventory, findings: await doctorNow() });
    lastKey = key;
  };
  /**
   * Nothing moved since the last scan: the same report, its findings
   * refreshed when stale. Findings that changed make a new report; the same
   * findings leave the one the controller holds true, so a heartbeat (when
   * `due`) is enough: at 10,000 agents a full report from each every
   * doctorMs was 33 a second of an idle fleet (issue 14, P8). Unchanged,
   * only its digest goes (the controller holds the rest), unless the
   * controller answers it needs it whole.
   */
  const heartbeat = async (
    last: { inventory: HostInventory; findings: readonly Finding[] },
    due: boolean,
  ) => {
    if (d.clock.now() - lastDoctor >= doctorMs) {
      const findings = await doctorNow();
      if (JSON.stringify(findings) !== JSON.stringify(last.findings)) {
        await send({ inventory: last.inventory, findings });
        return;
      }
    }
    if (!due) return;
    if (heldAs !== null && (await d.client.heartbeat(heldAs))) {
      lastReport = d.clock.now();
      return;
    }
    await send(last);
  };
  await untilReached('first report', () => report(true));

  const watch = async () => {
    while (!stopped()) {
      await d.clock.sleep(d.rescanMs);
      if (stopped()) continue;
      const heartbeatDue = d.clock.now() - lastReport >= d.heartbeatMs && !pollCovers();
      const doctorDue = d.clock.now() - lastDoctor >= doctorMs;
      try {
        // Without a probe (or before its first reading) only a scan can tell.
        if (lastProbe === '' || lastSent === null || (await probeNow()) !== lastProbe)
          await report(false);
        else if (heartbeatDue || doctorDue) await heartbeat(lastSent, heartbeatDue);
      } catch (e) {
        d.log(`report failed: ${String(e)}`);
      }
    }
  };
  /** Runs the tasks in order and answers each; false when an answer could not be delivered. */
  const answerTasks = async (tasks: readonly AgentTask[]): Promise<boolean> => {
    let delivered = true;
    for (const task of tasks) {
      const outcome =
        d.domains === undefined
          ? { ok: false, message: 'this agent drives no hypervisor' }
          : await d.domains.runTask(task);
      try {
        await d.client.taskDone(task.id, outcome);
      } catch (e) {
        // Withdrawn by the controller (it stopped waiting): nothing left to tell.
        if (isVfleetError(e) && e.code === 'NOT_FOUND') continue;
        d.log(`task ${task.id}: answer not delivered: ${String(e)}`);
        delivered = false;
      }
    }
    return delivered;
  };
  /**
   * A desired state that does not fit the API is never applied: the
   * controller hears why (the field at fault) as that generation's failed
   * apply, and the agent waits for the next one.
   */
  const refuse = async (r: DesiredRefused, applied: number): Promise<number> => {
    d.log(r.message);
    if (r.generation === null || r.generation <= applied) {
      await d.clock.sleep(Math.min(d.rescanMs, 5_000));
      return applied;
    }
    await d.client.applied({
      generation: r.generation,
      ok: false,
      failedVfs: [],
      message: r.message,
      domains: [],
    });
    return r.generation;
  };
  /** A poll answered that the controller lacks the report its digest named: send it now. */
  let resentLast = false;
  const resend = async () => {
    // Asked again right after a resend (a controller that keeps losing it): not in a tight loop.
    if (resentLast) await d.clock.sleep(d.rescanMs);
    resentLast = true;
    if (lastSent !== null && !stopped()) await send(lastSent);
  };
  const follow = async () => {
    let applied = 0;
    while (!stopped()) {
      try {
        const digest = heldAs ?? undefined;
        pollSince = digest === undefined ? null : d.clock.now();
        const want = await d.client
          .desired(applied, d.longPollSeconds, signal, digest)
          .finally(() => (pollSince = null));
        if (!('refused' in want) && want.reportNeeded !== undefined) {
          pollHeard = true;
          if (want.reportNeeded) await resend();
          else {
            resentLast = false;
            lastReport = d.clock.now();
          }
        }
        if ('refused' in want) {
          applied = await refuse(want, applied);
          continue;
        }
        if ('unchanged' in want || want.generation <= applied) continue;
        const result = await d.apply(want.state).then(
          (r) => appliedFrom(want.generation, r, null),
          (e: unknown) => appliedFrom(want.generation, null, e),
        );
        // VF settings first, then the domains that use them.
        const domains = (await d.domains?.reconcile(want.domains)) ?? [];
        const irqs = await d.pinIrqs?.().catch((e: unknown): IrqPins => ({
          changed: 0,
          alreadyRight: 0,
          failed: 1,
          skipped: 0,
          lines: [`IRQ pinning failed: ${String(e)}`],
        }));
        await d.client.applied({ ...result, domains, ...(irqs === undefined ? {} : { irqs }) });
        // A task's answer that did not reach the controller is sent again with the same
        // generation (the keeper answers a task it ran from memory, never running it twice).
        if (await answerTasks(want.tasks)) applied = want.generation;
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
