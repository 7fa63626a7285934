import type { NewEvent } from '../../core/fleet/events.js';
import type { AuditAction, NewAudit } from '../../core/fleet/audit.js';
import type { InstanceView } from '../../core/fleet/claim-store.js';

const present = (xs: readonly (string | null)[]): string[] =>
  xs.filter((x): x is string => x !== null);

/**
 * An instance's claim, release or expiry: the VFs (and whole PFs) and MACs
 * its ports held, with the instance, port and network in before/after, so a
 * VF's history names each holder.
 */
export function instanceAudit(
  action: AuditAction,
  before: InstanceView | null,
  after: InstanceView | null,
  byFleet = false,
): NewAudit {
  const inst = after ?? before;
  if (inst === null) throw new Error('an instance audit needs the instance');
  return {
    action,
    object: { type: 'instance', id: inst.id, name: inst.name },
    host: inst.hostId,
    instance: inst.id,
    vfs: present(inst.ports.map((p) => p.pciAddress)),
    macs: present(inst.ports.map((p) => p.mac)),
    before,
    after,
    byFleet,
  };
}

/** A change of a catalog object (spec, physnet, network, token, quota...) with no VF of its own. */
export function objectAudit(
  action: AuditAction,
  object: NonNullable<NewAudit['object']>,
  before: unknown,
  after: unknown,
  host: string | null = null,
): NewAudit {
  return { action, object, host, instance: null, vfs: [], macs: [], before, after };
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * What an agent's apply did, as the fleet's own changes: the spec reached,
 * each VF configured for a port (MAC, VLAN, instance) and each VF reset
 * after its release, from the apply's events (apply-events.ts).
 */
export function applyAudits(host: string, events: readonly NewEvent[]): NewAudit[] {
  const out: NewAudit[] = [];
  for (const e of events) {
    const d = e.data;
    if (e.kind === 'spec-applied') {
      out.push({ ...fleetOn(host), action: 'spec.apply', after: d });
    } else if (e.kind === 'vf-configured' || e.kind === 'vf-reset') {
      const vf = text(d.vfAddress) ?? '';
      const mac = text(d.mac);
      out.push({
        ...fleetOn(host),
        action: e.kind === 'vf-configured' ? 'vf.configure' : 'vf.reset',
        object: { type: 'vf', id: vf, name: `${text(d.pf) ?? '?'} VF ${String(d.vf)}` },
        instance: text(d.instanceId),
        vfs: [vf],
        macs: mac === null ? [] : [mac],
        after: d,
      });
    }
  }
  return out;
}

/** A fleet change on a host, before its details are filled in. */
export const fleetOn = (host: string): NewAudit => ({
  action: 'host.applied',
  object: { type: 'host', id: host, name: host },
  host,
  instance: null,
  vfs: [],
  macs: [],
  before: null,
  after: null,
  byFleet: true,
});
