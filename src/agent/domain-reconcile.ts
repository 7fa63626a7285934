import { isVfleetError, toVfleetError } from '../core/errors.js';
import type { VmDesired, VmState } from '../core/fleet/vm-domain.js';
import type { DeviceScope, HypervisorDriver } from '../core/libvirt/hypervisor-driver.js';
import { livePinsOf } from '../core/libvirt/live-pins.js';
import type { DomainPolicy } from '../core/libvirt/domain-request.js';
import type { GuestSeed } from '../core/libvirt/seed-disk.js';
import { seedFilesSchema } from '../api/schemas/agent.js';
import { NO_GUARD, type DomainGuard } from './domain-guard.js';
import { NO_SEED_DISKS, type SeedDisks } from './seed-disks.js';

/** A domain as the controller wants it (desired state `domains`). */
export interface WantedDomain {
  readonly instanceId: string;
  readonly name: string;
  readonly state: VmDesired;
  readonly xml: string | null;
  /** Absent from older controllers: the agent then applies the tenant policy. */
  readonly policy?: DomainPolicy;
  /** The cloud-init seed of the CD-ROM the XML names (boot.guestConfig); written before defining. */
  readonly seed?: GuestSeed | undefined;
}

export interface DomainResult {
  readonly instanceId: string;
  readonly state: VmState;
  readonly message: string | null;
  readonly hypervisor: HypervisorDriver['kind'];
}

/** A hypervisor step of a live migration (desired state `tasks`). */
export interface AgentTask {
  readonly id: string;
  readonly op: string;
  readonly args: Readonly<Record<string, unknown>>;
}

export interface TaskOutcome {
  readonly ok: boolean;
  readonly message: string | null;
}

export interface DomainKeeper {
  reconcile(domains: readonly WantedDomain[]): Promise<DomainResult[]>;
  runTask(task: AgentTask): Promise<TaskOutcome>;
}

const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string' || v === '') throw new Error(`task argument ${what} is missing`);
  return v;
};

/** A `define-domain` task's seed: absent, or the three texts. */
function seedArg(v: unknown): GuestSeed | undefined {
  if (v === undefined) return undefined;
  const r = seedFilesSchema.safeParse(v);
  if (!r.success) throw new Error('task argument seed is not a cloud-init seed');
  return r.data;
}

function scopeOf(v: unknown): DeviceScope {
  const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  return { live: o.live === true, config: o.config === true };
}

/**
 * Makes the host's libvirt domains match the controller's list, only those:
 * a domain vfleet does not list is never touched. A domain is (re)defined
 * when its XML differs from what this agent last defined (a restarted agent
 * defines once more, which only rewrites the same persistent definition),
 * started unless running, and destroyed then undefined when it is to go.
 * A domain `guard` refuses is reported failed and never defined. A domain
 * with a cloud-init seed has its CD-ROM's file written first (`seeds`, again
 * only when the seed changed) and removed when the domain goes.
 */
export function createDomainKeeper(
  driver: HypervisorDriver,
  guard: DomainGuard = NO_GUARD,
  seeds: SeedDisks = NO_SEED_DISKS,
): DomainKeeper {
  const defined = new Map<string, string>();
  // 'other' is a live guest (pmsuspended, in shutdown) or a dead one (crashed): undefining a
  // live one would leave it running as a transient domain, still holding its VF.
  const destroyIfRunning = async (name: string) => {
    try {
      await driver.destroy(name);
    } catch (e) {
      if (!isVfleetError(e) || e.code !== 'CONFLICT') throw e;
    }
  };
  // A task re-sent (its result did not reach the controller) is answered, never run twice.
  const outcomes = new Map<string, TaskOutcome>();
  const one = async (d: WantedDomain): Promise<DomainResult> => {
    const result = (state: VmState, message: string | null = null): DomainResult => ({
      instanceId: d.instanceId,
      state,
      message,
      hypervisor: driver.kind,
    });
    try {
      const now = await driver.domainState(d.name);
      if (d.state === 'absent') {
        if (now === 'running' || now === 'paused') await driver.destroy(d.name);
        else if (now === 'other') await destroyIfRunning(d.name);
        if (now !== null) await driver.undefine(d.name);
        defined.delete(d.name);
        await seeds.drop(d.name);
        return result('absent');
      }
      if (d.xml === null) return result('failed', 'the controller sent no domain XML');
      // Before the guard: it checks every disk's file, the seed's too. Also when nothing is
      // defined anew: a seed that changed (or a file someone removed) is written again.
      if (d.seed !== undefined) await seeds.put(d.name, d.seed);
      if (now === null || defined.get(d.name) !== d.xml) {
        // Never defined, whatever the controller said: the host's own check comes first.
        const refused = await guard.domain(d);
        if (refused !== null) return result('failed', refused);
        await driver.define(d.xml);
        defined.set(d.name, d.xml);
        // A guest already running here (arrived by live migration, or this agent restarted)
        // keeps the pins it came with until re-pinned: put them next to this host's devices.
        if (now === 'running') await driver.pinLive(d.name, livePinsOf(d.xml));
      }
      if (now !== 'running' && now !== 'paused') await driver.start(d.name);
      return result((await driver.domainState(d.name)) ?? 'absent');
    } catch (e) {
      return result('failed', toVfleetError(e).message);
    }
  };
  return {
    async reconcile(domains) {
      const out: DomainResult[] = [];
      for (const d of domains) out.push(await one(d));
      return out;
    },
    async runTask(t) {
      const before = outcomes.get(t.id);
      if (before !== undefined) return before;
      const outcome = await runOnce(t);
      outcomes.set(t.id, outcome);
      return outcome;
    },
  };
  /**
   * A render-only move: the definition arrives (checked as any definition,
   * and "started" as the reconcile would) or leaves. Never on a libvirt
   * host, where defining and starting would run a second copy of a VM.
   */
  async function moveDefinition(
    op: 'define-domain' | 'undefine-domain',
    domain: string,
    a: AgentTask['args'],
  ): Promise<string | null> {
    if (driver.kind !== 'render-only')
      return `${op} moves render-only definitions only; this host drives libvirt`;
    if (op === 'undefine-domain') {
      await destroyIfRunning(domain);
      await driver.undefine(domain);
      defined.delete(domain);
      await seeds.drop(domain);
      return null;
    }
    const xml = str(a.xml, 'xml');
    // Anything but an explicit trusted is checked as a tenant's definition.
    const policy: DomainPolicy = a.policy === 'trusted' ? 'trusted' : 'tenant';
    const wanted = { instanceId: str(a.instanceId, 'instanceId'), name: domain, xml, policy };
    const seed = seedArg(a.seed);
    if (seed !== undefined) await seeds.put(domain, seed);
    const refused = await guard.domain({ ...wanted, state: 'running' });
    if (refused !== null) return refused;
    await driver.define(xml);
    defined.set(domain, xml);
    if ((await driver.domainState(domain)) !== 'running') await driver.start(domain);
    return null;
  }
  async function runOnce(t: AgentTask): Promise<TaskOutcome> {
    try {
      const a = t.args;
      const domain = str(a.domain, 'domain');
      if (t.op === 'attach-device') {
        const xml = str(a.xml, 'xml');
        const refused = guard.device(xml);
        if (refused !== null) return { ok: false, message: refused };
        await driver.attachDevice(domain, xml, scopeOf(a.scope));
      } else if (t.op === 'detach-device')
        await driver.detachDevice(domain, str(a.xml, 'xml'), scopeOf(a.scope));
      else if (t.op === 'migrate') {
        await driver.migrate(domain, str(a.targetUri, 'targetUri'), {
          live: true,
          persistent: true,
          undefineSource: true,
        });
        // The domain left: a later define here would be a second copy. Its seed goes too
        // (the target's agent writes its own once the domain is in its desired state).
        defined.delete(domain);
        await seeds.drop(domain);
      } else if (t.op === 'define-domain' || t.op === 'undefine-domain') {
        const refused = await moveDefinition(t.op, domain, a);
        if (refused !== null) return { ok: false, message: refused };
      } else return { ok: false, message: `unknown task ${t.op}` };
      return { ok: true, message: null };
    } catch (e) {
      return { ok: false, message: toVfleetError(e).message };
    }
  }
}
