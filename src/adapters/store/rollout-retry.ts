import type { Transaction } from 'kysely';
import type { Database } from './db-types.js';
import { rolloutGeneration } from './host-generation.js';

/**
 * `rollout resume` without `--skip-failed`: each failed host is gated again
 * from `now`, against a new generation of the same declared state. An agent
 * applies a generation once, failed or not, and then waits for a newer one:
 * without the new generation, a host whose apply failed would fail its gate
 * again at once, however the operator fixed it. Hosts are locked in name
 * order, so two resumes (or a resume and a claim) never wait on each other
 * in a circle.
 */
export async function retryFailedHosts(
  tx: Transaction<Database>,
  rolloutId: string,
  now: string,
): Promise<void> {
  const failed = await tx
    .selectFrom('rollout_hosts')
    .select('host_id')
    .where('rollout_id', '=', rolloutId)
    .where('state', '=', 'failed')
    .orderBy('host_id')
    .execute();
  for (const { host_id: host } of failed) {
    const generation = await rolloutGeneration(tx, host, false);
    await tx
      .updateTable('rollout_hosts')
      .set({
        state: 'updating',
        started_at: now,
        finished_at: null,
        message: null,
        // A host gone since: its gate says so (the old target stands).
        ...(generation === undefined ? {} : { target_generation: generation }),
      })
      .where('rollout_id', '=', rolloutId)
      .where('host_id', '=', host)
      .execute();
  }
}
