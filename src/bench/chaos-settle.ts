import { libvirtUri } from '../testing/vm-fleet.js';
import type { ChaosFleet } from './chaos-fleet.js';
import type { ChaosCall, ChurnBook } from './chaos-churn.js';
import type { Violation } from './chaos-invariants.js';

interface InstanceOut {
  readonly name: string;
  readonly host: string | null;
  readonly state: string;
  readonly vm?: { readonly domain: string; readonly state: string | null } | null;
}

/**
 * The soak's end, as its users would check it: no instance lost (every one
 * created and not deleted still there, running on its host's libvirt), none
 * stuck (each active, its domain running), nothing deleted come back, and
 * no domain left behind on any host (a deleted instance's, or a migrated
 * one's twin on its old host).
 */
export async function settleChecks(
  fleet: ChaosFleet,
  call: ChaosCall,
  book: ChurnBook,
): Promise<{ count: number; violations: Violation[] }> {
  const out: Violation[] = [];
  const rows = await fleet.db
    .selectFrom('instances')
    .select(['id', 'name', 'state', 'reserved_until', 'expired_at'])
    .execute();
  const existing = new Map(rows.filter((r) => r.state !== 'expired').map((r) => [r.id, r.name]));
  const all = new Map(rows.map((r) => [r.id, r]));
  for (const [id, name] of book.live) {
    if (existing.has(id)) continue;
    const r = all.get(id);
    const why =
      r === undefined
        ? 'its row is gone'
        : `${r.state} at ${String(r.expired_at)} (reserved until ${String(r.reserved_until)})`;
    out.push({ invariant: 'no instance is lost', detail: `instance ${name} (${id}): ${why}` });
  }
  for (const id of book.deleted)
    if (existing.has(id))
      out.push({ invariant: 'a deleted instance stays deleted', detail: `instance ${id} is back` });

  const expected = new Map<string, string>();
  for (const [id, name] of existing) {
    const r = await call('GET', `/v1/instances/${id}`);
    const i = r.body as unknown as InstanceOut;
    const vm = i.vm;
    if (r.status !== 200 || i.state !== 'active' || vm?.state !== 'running' || i.host === null) {
      out.push({
        invariant: 'no instance is stuck',
        detail: `instance ${name}: HTTP ${String(r.status)}, ${i.state}, vm ${JSON.stringify(i.vm ?? null)}`,
      });
      continue;
    }
    expected.set(vm.domain, i.host);
  }
  for (const host of fleet.hosts) {
    for (const [domain, d] of fleet.libvirt.domains(libvirtUri(host))) {
      const owner = expected.get(domain);
      if (owner === host) {
        if (d.state !== 'running')
          out.push({
            invariant: 'no instance is stuck',
            detail: `${domain} on ${host} is ${d.state}`,
          });
        continue;
      }
      out.push({
        invariant: 'no domain is left behind',
        detail: `${domain} on ${host}${owner === undefined ? ' belongs to no instance' : `, but its instance is on ${owner}`}`,
      });
    }
  }
  for (const [domain, host] of expected)
    if (!fleet.libvirt.domains(libvirtUri(host)).has(domain))
      out.push({ invariant: 'no instance is lost', detail: `${domain} is not defined on ${host}` });
  return { count: existing.size, violations: out };
}
