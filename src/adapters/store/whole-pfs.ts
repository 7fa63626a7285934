import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
import type { ClaimInput } from '../../core/fleet/store.js';
import type { Database } from './db-types.js';
import { released } from './released.js';

type Tx = Transaction<Database>;

/**
 * Whole PFs (`direct-physical`) in the store: offered while a spec offers
 * them whole (physnet set), free, clean, and without a single VF (reported
 * numVfs 0 and no VF row): a PF is never offered whole and by VFs at once.
 */
const offeredFree = (eb: ExpressionBuilder<Database, 'pfs'>) =>
  eb.and([
    eb('pfs.state', '=', 'free'),
    eb('pfs.dirty', '=', false),
    eb('pfs.port_id', 'is', null),
    eb('pfs.num_vfs', '=', 0),
    eb.not(eb.exists(eb.selectFrom('vfs').select('vfs.id').whereRef('vfs.pf_id', '=', 'pfs.id'))),
  ]);

export interface FreeWholePf {
  readonly id: number;
  readonly hostId: string;
  readonly pciAddress: string;
  readonly numaNode: number | null;
  readonly whole: { readonly physnet: string };
}

/** Free whole PFs on the physnets, for the scheduler's view (candidates.ts). */
export async function freeWholePfs(
  db: Kysely<Database>,
  physnets: readonly string[],
): Promise<FreeWholePf[]> {
  if (physnets.length === 0) return [];
  const rows = await db
    .selectFrom('pfs')
    .select(['id', 'host_id', 'pci_address', 'numa_node', 'physnet'])
    .where('physnet', 'in', physnets)
    .where(offeredFree)
    .orderBy('host_id')
    .orderBy('pci_address')
    .execute();
  return rows.flatMap((r) =>
    r.physnet === null
      ? []
      : [
          {
            id: r.id,
            hostId: r.host_id,
            pciAddress: r.pci_address,
            numaNode: r.numa_node,
            whole: { physnet: r.physnet },
          },
        ],
  );
}

/**
 * Locks the whole PF of every `direct-physical` port of the placement and
 * re-checks it is still offered and free (FOR UPDATE SKIP LOCKED, like the
 * VFs). Index = port; -1 for VF ports; null when one PF is gone.
 */
export async function lockWholePfs(tx: Tx, c: ClaimInput): Promise<number[] | null> {
  const out: number[] = new Array<number>(c.placement.ports.length).fill(-1);
  for (const [i, pp] of c.placement.ports.entries()) {
    if (pp.wholePf !== true) continue;
    const row = await tx
      .selectFrom('pfs')
      .select('id')
      .where('id', '=', pp.pfId)
      .where('host_id', '=', c.placement.hostId)
      .where('physnet', '=', pp.physnet)
      .where(offeredFree)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (row === undefined) return null;
    out[i] = row.id;
  }
  return out;
}

/** The port now holds the PF: reserved until the agent applied generation `gen`. */
export async function reserveWholePf(
  tx: Tx,
  pfId: number,
  portId: string,
  reservedUntil: string,
  gen: number,
): Promise<void> {
  await tx
    .updateTable('pfs')
    .set({
      state: 'reserved',
      port_id: portId,
      reserved_until: reservedUntil,
      pending_generation: gen,
    })
    .where('id', '=', pfId)
    .execute();
}

/**
 * Frees the whole PFs the instance's ports hold: dirty until the agent
 * applied generation `gen` (it keeps the PF at 0 VFs; libvirt gives the PF
 * back to its driver when the guest lets it go), as a released VF waits
 * for its reset.
 */
export async function releaseWholePfs(tx: Tx, instanceId: string, gen: number): Promise<void> {
  const ports = tx.selectFrom('ports').select('id').where('instance_id', '=', instanceId);
  await tx.updateTable('pfs').set(released(gen)).where('port_id', 'in', ports).execute();
}

/**
 * The agent applied generation `generation` on host `hostId`: whole PFs
 * whose change it carried move on as VFs do (released: clean; reserved:
 * allocated; quarantined and unheld: free). A PF address in `failed` is
 * quarantined when free, noted when held.
 */
export async function settleWholePfs(
  tx: Tx,
  hostId: string,
  generation: number,
  failed: readonly string[],
  note: string,
): Promise<void> {
  const base = () => {
    const q = tx
      .updateTable('pfs')
      .where('host_id', '=', hostId)
      .where('pending_generation', '<=', generation);
    return failed.length > 0 ? q.where('pci_address', 'not in', failed) : q;
  };
  await base()
    .set({ dirty: false, note: null })
    .where('state', '=', 'free')
    .where('dirty', '=', true)
    .execute();
  await base()
    .set({ state: 'free', dirty: false, note: null })
    .where('state', '=', 'quarantined')
    .where('port_id', 'is', null)
    .execute();
  await base()
    .set({ state: 'allocated', reserved_until: null, note: null })
    .where('state', '=', 'reserved')
    .execute();
  if (failed.length === 0) return;
  const whole = (eb: ExpressionBuilder<Database, 'pfs'>) =>
    eb.or([eb('physnet', 'is not', null), eb('port_id', 'is not', null)]);
  await tx
    .updateTable('pfs')
    .set({ state: 'quarantined', dirty: false, note })
    .where('host_id', '=', hostId)
    .where('pci_address', 'in', failed)
    .where('port_id', 'is', null)
    .where(whole)
    .execute();
  await tx
    .updateTable('pfs')
    .set({ note })
    .where('host_id', '=', hostId)
    .where('pci_address', 'in', failed)
    .where('port_id', 'is not', null)
    .execute();
}
