// Whole-PF claims: which PFs are offered whole, and locking them for a claim.
import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
import type { ClaimInput } from '../../core/fleet/claim-store.js';
import type { Database } from './db-types.js';
import type { HeldDevice } from './claim-statements.js';

type Tx = Transaction<Database>;

/**
 * Whole PFs (`direct-physical`) in the store: offered while a spec offers
 * them whole (physnet set), free, clean, and without a single VF (reported
 * numVfs 0 and no VF row): a PF is never offered whole and by VFs at once.
 * Only vfleet's: a PF handed to another owner is configured, never claimed.
 */
const offeredFree = (eb: ExpressionBuilder<Database, 'pfs'>) =>
  eb.and([
    eb('pfs.owner', '=', 'vfleet'),
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

/** Free whole PFs of these hosts (null: all), for the scheduler's view (candidates.ts). */
export async function freeWholePfs(
  db: Kysely<Database>,
  hostIds: readonly string[] | null,
): Promise<FreeWholePf[]> {
  if (hostIds?.length === 0) return [];
  let q = db
    .selectFrom('pfs')
    .select(['id', 'host_id', 'pci_address', 'numa_node', 'physnet'])
    .where('physnet', 'is not', null)
    .where(offeredFree);
  if (hostIds !== null) q = q.where('host_id', 'in', hostIds);
  const rows = await q.orderBy('host_id').orderBy('pci_address').execute();
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
 * VFs). Index = port; null for VF ports; the whole result null when one PF
 * is gone.
 */
export async function lockWholePfs(tx: Tx, c: ClaimInput): Promise<(HeldDevice | null)[] | null> {
  const out = new Array<HeldDevice | null>(c.placement.ports.length).fill(null);
  for (const [i, pp] of c.placement.ports.entries()) {
    if (pp.wholePf !== true) continue;
    const row = await tx
      .selectFrom('pfs')
      .select(['id', 'pci_address'])
      .where('id', '=', pp.pfId)
      .where('host_id', '=', c.placement.hostId)
      .where('physnet', '=', pp.physnet)
      .where(offeredFree)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (row === undefined) return null;
    out[i] = {
      id: row.id,
      vf: false,
      pciAddress: row.pci_address,
      pf: row.pci_address,
      vfIndex: null,
    };
  }
  return out;
}
