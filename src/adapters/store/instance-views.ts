// Instances as the API shows them: each with its ports, in request order.
import type { Kysely, Selectable } from 'kysely';
import type { InstanceView } from '../../core/fleet/claim-store.js';
import type { Database } from './db-types.js';
import { portViews } from './port-views.js';
import { toInstance } from './rows.js';

/** `db` may be a transaction: PGlite has one connection, held by the transaction. */
export async function withPorts(
  db: Kysely<Database>,
  rows: readonly Selectable<Database['instances']>[],
): Promise<InstanceView[]> {
  const ports = await portViews(db, { instanceIds: rows.map((r) => r.id) });
  return rows.map((r) => ({
    ...toInstance(r),
    ports: ports.filter((p) => p.instanceId === r.id),
  }));
}

export async function instanceView(db: Kysely<Database>, id: string): Promise<InstanceView | null> {
  const rows = await db.selectFrom('instances').selectAll().where('id', '=', id).execute();
  return (await withPorts(db, rows))[0] ?? null;
}
