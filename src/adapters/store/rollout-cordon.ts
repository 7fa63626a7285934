import type { Transaction } from 'kysely';
import type { Database } from './db-types.js';

type Tx = Transaction<Database>;

/** The cordon a rollout puts on a host it empties: its own, lifted by it alone. */
const updateCordon = (rollout: string) => `rollout ${rollout}: emptied for its update`;

/**
 * A host being evacuated takes no new instance and no migration (the
 * scheduler skips it, the claim and the hold re-check it): otherwise the
 * churn of a busy fleet refills it as fast as it empties. An operator's own
 * cordon stays as it is, and is never lifted by the rollout.
 */
export async function cordonForUpdate(tx: Tx, rollout: string, host: string, now: string) {
  await tx
    .updateTable('hosts')
    .set({ cordoned: true, cordon_reason: updateCordon(rollout), cordoned_at: now })
    .where('id', '=', host)
    .where('cordoned', '=', false)
    .execute();
}

/** Lifted once the host is updated (or skipped), or the rollout ends: `host` undefined, all. */
export async function uncordonAfterUpdate(tx: Tx, rollout: string, host?: string) {
  let q = tx
    .updateTable('hosts')
    .set({ cordoned: false, cordon_reason: null, cordoned_at: null })
    .where('cordon_reason', '=', updateCordon(rollout));
  if (host !== undefined) q = q.where('id', '=', host);
  await q.execute();
}
