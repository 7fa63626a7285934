// The hosts a spec change touches, locked without locking the rest of the fleet.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DeviceSpec } from '../../core/fleet/model.js';
import { specSelectsPf } from '../../core/fleet/spec-match.js';
import type { Database } from './db-types.js';
import { lockHosts, type PfRow } from './spec-tagging.js';

type Tx = Transaction<Database>;

/** Advisory lock key of the specs ("vfleet" in ASCII): spec changes hold it alone, full reports share it. */
const SPECS_LOCK = 0x766_6c65_6574;

/**
 * Taken by a full report once it holds its host's row lock and before it
 * reads the specs it tags its PFs and VFs with: a spec change (which holds
 * the lock alone) waits for the reports tagging now, and the reports that
 * come later wait for its commit, so no host joins with a spec's old tags
 * while the change re-tags the hosts it saw.
 */
export async function shareSpecsLock(tx: Tx): Promise<void> {
  await sql`select pg_advisory_xact_lock_shared(${SPECS_LOCK})`.execute(tx);
}

/** What a spec change's body works on, inside its transaction. */
export interface SpecScope {
  /** PFs the changed specs select (before or after the change), every column, in id order. */
  readonly pfs: readonly PfRow[];
  /** Their hosts, whose rows this transaction holds. */
  readonly hosts: readonly string[];
}

/** Thrown inside the transaction when PFs of hosts it did not lock appeared: run again with them. */
class Widen extends Error {
  constructor(readonly hosts: readonly string[]) {
    super('spec change: more hosts to lock');
  }
}

// After this many tries (hosts joining all the while) the change locks the whole fleet.
const TRIES = 3;

/**
 * Runs a spec change in one transaction that holds the row locks of the
 * hosts it touches, not the whole fleet's: claims on those hosts wait for
 * its commit, the rest of the fleet (claims, heartbeats, reports) goes on.
 * `changed` names the specs whose selections bound the change (the old and
 * new form of an updated spec, a new one, a deleted one), read in `q`; null
 * ends the change (no such spec). Locks go in the order every writer keeps:
 * host rows (in id order) first, then the specs lock alone. The hosts are
 * guessed from a read before the transaction; if PFs of other hosts are
 * selected once the locks are held (a host joined in between), the
 * transaction rolls back and runs again with them, since locking a host
 * while holding the specs lock could deadlock with that host's report.
 */
export async function inSpecScope<T>(
  db: Kysely<Database>,
  changed: (q: Kysely<Database>) => Promise<readonly DeviceSpec[] | null>,
  body: (tx: Tx, scope: SpecScope) => Promise<T>,
): Promise<T | null> {
  const first = await changed(db);
  if (first === null) return null;
  let guess: string[] = hostsOf(await selectedPfs(db, first));
  for (let attempt = 1; ; attempt++) {
    const locking = attempt >= TRIES ? undefined : guess;
    try {
      return await db.transaction().execute(async (tx) => {
        const locked = new Set(await lockHosts(tx, locking));
        await sql`select pg_advisory_xact_lock(${SPECS_LOCK})`.execute(tx);
        const specs = await changed(tx);
        if (specs === null) return null;
        const touched = await selectedPfs(tx, specs);
        const hosts = hostsOf(touched);
        const missing = hosts.filter((h) => !locked.has(h));
        if (missing.length > 0) throw new Widen(missing);
        const ids = touched.map((p) => p.id);
        const pfs =
          ids.length === 0
            ? []
            : await tx.selectFrom('pfs').selectAll().where('id', 'in', ids).orderBy('id').execute();
        return body(tx, { pfs, hosts });
      });
    } catch (e) {
      if (!(e instanceof Widen)) throw e;
      guess = [...new Set([...guess, ...e.hosts])];
    }
  }
}

/** PFs (the columns specs select by) that any of `specs` selects. */
async function selectedPfs(q: Kysely<Database>, specs: readonly DeviceSpec[]) {
  if (specs.length === 0) return [];
  const all = await q
    .selectFrom('pfs')
    .select(['id', 'host_id', 'pci_address', 'vendor_id', 'device_id', 'driver'])
    .execute();
  return all.filter((p) => {
    const target = {
      pciAddress: p.pci_address,
      vendorId: p.vendor_id,
      deviceId: p.device_id,
      driver: p.driver,
    };
    return specs.some((s) => specSelectsPf(s, target));
  });
}

const hostsOf = (pfs: readonly { host_id: string }[]) => [...new Set(pfs.map((p) => p.host_id))];
