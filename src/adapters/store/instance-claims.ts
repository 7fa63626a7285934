// Instance claims: taking every VF and whole PF of an instance in one transaction.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { allocationOf, hostMemoryMb, nodeVcpus } from '../../core/fleet/allocation.js';
import { toRule } from './allocation-rules.js';
import type {
  ClaimInput,
  ClaimOutcome,
  InstanceView,
  NewIdempotencyKey,
} from '../../core/fleet/claim-store.js';
import type { FleetEvent, NewEvent } from '../../core/fleet/events.js';
import type { Database, InstancesTable } from './db-types.js';
import type { EventTap } from './event-store.js';
import { insertAuditAndEvents } from './claim-records.js';
import { instanceAudit } from './audit-entries.js';
import { checkClaimQuota } from './quota-checks.js';
import { uniqueViolation } from './rows.js';
import { lockHost, lockVfs, type HeldDevice } from './claim-statements.js';
import { claimedView, writeClaim } from './claim-writes.js';
import { lockWholePfs } from './whole-pf-claims.js';

type Tx = Transaction<Database>;
type InstanceRow = Selectable<InstancesTable>;
type Lost = Exclude<ClaimOutcome, { ok: true }>;

/**
 * Claims every VF and whole PF of an instance in one transaction, with the
 * rest of its unit of work (`c.complete`: its domain and its events). The
 * host row lock orders claims on one host (CPU and memory are counted under
 * it); VF and PF rows are taken with FOR UPDATE SKIP LOCKED and re-checked
 * as free and clean, so two controllers never hand out one VF or PF.
 * Nothing is written unless all fit and `complete` accepts.
 */
export async function claimInstance(
  db: Kysely<Database>,
  tap: EventTap,
  c: ClaimInput,
): Promise<ClaimOutcome> {
  let outcome: ClaimOutcome;
  let recorded: FleetEvent[] = [];
  try {
    outcome = await db.transaction().execute(async (tx) => {
      const claimed = await claimTx(tx, c);
      if ('ok' in claimed) return claimed;
      // The answer from the rows written: no read-back of the ports.
      const instance = claimedView(c, claimed.row, claimed.held);
      const events = c.complete === undefined ? [] : await completeTx(tx, c, instance);
      // The claim (which VFs and MACs the instance now holds, and for whom) and its events: one statement.
      recorded = await insertAuditAndEvents(
        tx,
        [instanceAudit('instance.create', null, instance)],
        events,
        c.now,
      );
      return { ok: true, instance } as const;
    });
  } catch (e) {
    // A concurrent claim took a generated MAC between our check and insert.
    if (uniqueViolation(e) === 'ports_mac') return { ok: false, lost: 'mac', portIndex: -1 };
    // A request with the same Idempotency-Key committed while this one waited on it.
    if (uniqueViolation(e) === 'idempotency_keys_pkey') return { ok: false, lost: 'idempotency' };
    throw e;
  }
  // Told only after the commit: a rolled-back claim never shows as an event.
  tap.emit(recorded);
  return outcome;
}

/** The claim's domain, and its events to record; the host's generation bumped by the claim covers the domain. */
async function completeTx(
  tx: Tx,
  c: ClaimInput,
  instance: InstanceView,
): Promise<readonly NewEvent[]> {
  const done = c.complete?.(instance);
  if (done === undefined) return [];
  if (done.boot !== null)
    await tx
      .insertInto('instance_vms')
      .values({
        instance_id: c.id,
        boot: JSON.stringify(done.boot),
        desired: 'running',
        updated_at: c.now,
      })
      .execute();
  return done.events;
}

async function claimTx(
  tx: Tx,
  c: ClaimInput,
): Promise<Lost | { row: InstanceRow; held: (HeldDevice | null)[] }> {
  // The key first: a concurrent duplicate waits on it here, before taking any host's lock.
  if (c.idempotency !== undefined) await insertKey(tx, c.id, c.idempotency, c.now);
  // Before any row lock: the tenant lock it may take comes first (quota-checks.ts).
  if (c.quotas !== undefined) {
    const devices = c.ports.filter((x) => x.vnicType !== 'normal').length;
    await checkClaimQuota(tx, c.quotas, { tenant: c.tenant, devices });
  }
  const p = c.placement;
  // The host row first: its lock orders claims on one host.
  const host = await lockHost(tx, p.hostId);
  const seen = host?.last_seen == null ? '' : new Date(host.last_seen).toISOString();
  if (
    !host ||
    host.applied_generation < host.spec_generation ||
    host.healthy !== true ||
    host.cordoned ||
    seen < c.staleBefore
  ) {
    return { ok: false, lost: 'host' };
  }
  // The VFs, and the usage read under the host lock (claim-statements.ts says why not with it).
  const vfs = await lockVfs(tx, c);
  if (vfs === null) return { ok: false, lost: 'vfs' };
  const { held: vfFor, usage } = vfs;
  // Capacity as the scheduler counts it: the host's allocation rule applied (a handful of rows).
  const alloc = allocationOf(host, host.allocation_rules.map(toRule));
  if (p.numaNode !== null) {
    const node = host.numa_nodes.find((n) => n.node === p.numaNode);
    const used = usage.find((u) => u.numa_node === p.numaNode)?.vcpus ?? 0;
    if (!node || nodeVcpus(node, alloc) - used < c.vcpus) return { ok: false, lost: 'cpus' };
  }
  const memUsed = usage.reduce((n, u) => n + u.memory, 0);
  const memory = hostMemoryMb(host.memory_mb, alloc);
  if (memory !== null && memory - memUsed < c.memoryMb) return { ok: false, lost: 'memory' };
  const pfFor = await lockWholePfs(tx, c);
  if (pfFor === null) return { ok: false, lost: 'vfs' };

  // Asked-for MACs are checked to name the port; a generated one that clashes
  // fails the insert (ports_mac), which is the same lost race, told by the catch.
  const asked = c.ports.flatMap((x) => (x.mac === null || x.macGenerated ? [] : [x.mac]));
  if (asked.length > 0) {
    const taken = await tx.selectFrom('ports').select('mac').where('mac', 'in', asked).execute();
    const clash = c.ports.findIndex((x) => taken.some((t) => t.mac === x.mac));
    if (clash >= 0) return { ok: false, lost: 'mac', portIndex: clash };
  }

  const gen = host.desired_generation + 1;
  const held = vfFor.map((d, i) => d ?? pfFor[i] ?? null);
  const row = await writeClaim(tx, c, held, gen);
  return { row, held };
}

/** Stores the request's key with its instance; an expired one of the same name gives way. */
async function insertKey(tx: Tx, instanceId: string, k: NewIdempotencyKey, now: string) {
  await tx
    .deleteFrom('idempotency_keys')
    .where('scope', '=', k.scope)
    .where('key', '=', k.key)
    .where('expires_at', '<=', new Date(now))
    .execute();
  await tx
    .insertInto('idempotency_keys')
    .values({
      scope: k.scope,
      key: k.key,
      request_hash: k.requestHash,
      instance_id: instanceId,
      created_at: now,
      expires_at: k.expiresAt,
    })
    .execute();
}
