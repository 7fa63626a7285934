import { sql, type Kysely } from 'kysely';
import type { Sighting } from '../../core/fleet/host-store.js';
import type { Database } from './db-types.js';
import { vfAwaitsFullSync } from './inventory-rows.js';

/**
 * A heartbeat by digest (POST .../heartbeat): moves last_seen when the host
 * holds the report the digest names, and nothing is there that only a full
 * sync removes: a VF the host stopped reporting while a port held it, or a
 * PF missing from that report (the report's PFs are its render facts' keys,
 * written in the same transaction as the digest), let go since. One
 * statement, no lock: a full report racing it either committed first (the
 * digest differs) or commits after and sets its own last_seen.
 */
export async function heartbeatByDigest(
  db: Kysely<Database>,
  id: string,
  digest: string,
  now: string,
): Promise<boolean> {
  const row = await db
    .updateTable('hosts')
    .set({ last_seen: now })
    .where('id', '=', id)
    .where('healthy', 'is not', null)
    .where('report_digest', '=', digest)
    .where((eb) => eb.not(vfAwaitsFullSync(eb)))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('pfs')
            .innerJoin('host_facts', 'host_facts.host_id', 'pfs.host_id')
            .select('pfs.id')
            .whereRef('pfs.host_id', '=', 'hosts.id')
            .where('pfs.port_id', 'is', null)
            .where(sql<boolean>`not (host_facts.facts -> 'pfs' ? pfs.pci_address)`),
        ),
      ),
    )
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Sightings gathered over a second or two, written in one statement. A
 * sighting never moves last_seen back (a full report may have written a
 * later one meanwhile).
 */
export async function writeSightings(
  db: Kysely<Database>,
  sightings: readonly Sighting[],
): Promise<void> {
  if (sightings.length === 0) return;
  const rows = sql.join(sightings.map((s) => sql`(${s.id}, ${s.at}::timestamptz)`));
  await sql`
    update hosts set last_seen = v.at
    from (values ${rows}) as v(id, at)
    where hosts.id = v.id and (hosts.last_seen is null or hosts.last_seen < v.at)`.execute(db);
}
