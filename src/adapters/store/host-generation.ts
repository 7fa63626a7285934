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
