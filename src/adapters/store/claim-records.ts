// A claim's audit row and its events in ONE statement: one round trip fewer per claim (issue 14, P1).
import type { Transaction } from 'kysely';
import type { NewAudit } from '../../core/fleet/audit.js';
import type { FleetEvent, NewEvent } from '../../core/fleet/events.js';
import type { Database } from './db-types.js';
import { auditRows, writeAudit } from './audit-scope.js';
import { eventRows, fleetEvents } from './event-store.js';

/**
 * Inserts the audit records and the events inside the caller's transaction,
 * as a data-modifying CTE for the audit rows in front of the events' insert:
 * PostgreSQL runs the CTE to completion, so both commit with the change or
 * neither does, exactly as two statements did. Returns the recorded events
 * (the caller emits them after its commit).
 */
export async function insertAuditAndEvents(
  tx: Transaction<Database>,
  audit: readonly NewAudit[],
  events: readonly NewEvent[],
  now: string,
): Promise<FleetEvent[]> {
  if (events.length === 0) {
    await writeAudit(tx, audit, now);
    return [];
  }
  if (audit.length === 0) {
    const rows = await tx
      .insertInto('events')
      .values(eventRows(events, now))
      .returningAll()
      .execute();
    return fleetEvents(rows);
  }
  const rows = await tx
    .with('a', (q) => q.insertInto('audit_log').values(auditRows(audit, now)).returning('id'))
    .insertInto('events')
    .values(eventRows(events, now))
    .returningAll()
    .execute();
  return fleetEvents(rows);
}
