import { sql, type Transaction } from 'kysely';
import { VfleetError } from '../../core/errors.js';
import type { Database } from './db-types.js';

/**
 * The host has more to do: bumps its desired generation (its agent's long
 * poll answers with it) and so locks its row, in the order claims use.
 * Returns the new generation.
 */
export async function nextGeneration(tx: Transaction<Database>, hostId: string): Promise<number> {
  const r = await tx
    .updateTable('hosts')
    .set({ desired_generation: sql<number>`desired_generation + 1` })
    .where('id', '=', hostId)
    .returning('desired_generation')
    .executeTakeFirst();
  if (r === undefined) throw new VfleetError('NOT_FOUND', `no host ${hostId}`);
  return r.desired_generation;
}

/**
 * A rollout hands the host a generation to gate on: at its release, with
 * its new declared state (`declared`: the spec generation moves too), or
 * when a failed host is retried. A message left from an earlier apply is
 * not this generation's failure, so it goes. Undefined when the host is gone.
 */
export async function rolloutGeneration(
  tx: Transaction<Database>,
  hostId: string,
  declared: boolean,
): Promise<number | undefined> {
  const r = await tx
    .updateTable('hosts')
    .set((eb) => ({
      desired_generation: eb('desired_generation', '+', 1),
      ...(declared ? { spec_generation: eb('desired_generation', '+', 1) } : {}),
      last_apply_message: null,
    }))
    .where('id', '=', hostId)
    .returning('desired_generation')
    .executeTakeFirst();
  return r?.desired_generation;
}
