import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Indexes that serve each list's keyset order with its filters (issue 14,
 * P9: a page of any list within 50 ms at 10,000 hosts), so a page reads
 * its rows in order and stops at the limit instead of sorting every match:
 * - instances by (created_at, id), alone or after a tenant, host, state or
 *   name filter (the CLI finds an instance by name; instances_host and
 *   instances_tenant skip expired instances, which the list shows, so they
 *   cannot serve it);
 * - ports by (tenant, instance, position, id) as port-views.ts orders them,
 *   alone or after a network; ports by instance for an instance's ports (every
 *   instance page reads its ports so, and deleting an instance cascades so);
 * - hosts by last seen (the sort the dashboard offers) and by label (GIN:
 *   `labels @> {k: v}`);
 * - VFs by (host, state, dirty) in place of vfs_host (host): a host page's
 *   VF counts come from the index alone. No extra write on a claim: a state
 *   change already updates every index of the row (state is in vfs_free's
 *   predicate, so it is never a HOT update), and every lookup by host still
 *   has its index.
 */
const SCHEMA = `
      create index instances_age on instances (created_at, id);
      create index instances_tenant_age on instances (tenant, created_at, id);
      create index instances_host_age on instances (host_id, created_at, id);
      create index instances_state_age on instances (state, created_at, id);
      create index instances_name_age on instances (name, created_at, id);
      create index ports_list on ports (tenant, (coalesce(instance_id, '')), position, id);
      create index ports_network_list on ports (network_id, tenant, (coalesce(instance_id, '')), position, id);
      create index ports_instance on ports (instance_id, position);
      create index hosts_seen on hosts ((coalesce(last_seen, 'epoch'::timestamptz)), id);
      create index hosts_labels on hosts using gin (labels jsonb_path_ops);
      create index vfs_host_state on vfs (host_id, state, dirty);
      drop index vfs_host
`;

export const listIndexes: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One statement per query, as in the initial migration (PGlite).
    for (const statement of SCHEMA.split(/;\s*\n/)) {
      if (statement.trim() !== '') await sql.raw(statement).execute(db);
    }
  },
};
