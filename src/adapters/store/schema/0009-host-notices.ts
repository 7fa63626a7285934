import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Wake-ups published by the database itself, on commit (NOTIFY is
 * transactional: a rolled-back change tells no one), on the channel every
 * controller LISTENs on (store-notices.ts). So no code path that changes a
 * host can forget to wake its agent, and a change made through one
 * controller wakes the long polls of all of them. The payload is the key
 * the controller's change feed waits on:
 *   - the host id, when its desired generation moves (every change of what
 *     its agent must do bumps it) or its agent reported new facts (a boot
 *     waiting for an image to be reported);
 *   - `task:HOST`, when one of the host's hypervisor tasks finished;
 *   - `(events)`, when events were recorded (no host id has parentheses).
 * Keys are written here, not imported: a released migration never changes.
 */
/** A trigger function that notifies `key`, an SQL expression over the new row. */
const notifier = (name: string, key: string) => `
  create function ${name}() returns trigger language plpgsql as $$
  begin
    perform pg_notify('vfleet_hosts', ${key});
    return null;
  end $$`;

// One statement per query (PGlite runs them so).
const STATEMENTS = [
  notifier('vfleet_notice_host', 'new.id'),
  `create trigger hosts_desired_notice after update of desired_generation on hosts
     for each row when (old.desired_generation is distinct from new.desired_generation)
     execute function vfleet_notice_host()`,
  notifier('vfleet_notice_facts', 'new.host_id'),
  `create trigger host_facts_notice after insert or update of facts on host_facts
     for each row execute function vfleet_notice_facts()`,
  notifier('vfleet_notice_task', `'task:' || new.host_id`),
  `create trigger vm_tasks_notice after update of state on vm_tasks
     for each row when (old.state = 'pending' and new.state <> 'pending')
     execute function vfleet_notice_task()`,
  // Per statement: a report recording ten events wakes followers once.
  notifier('vfleet_notice_events', `'(events)'`),
  `create trigger events_notice after insert on events
     for each statement execute function vfleet_notice_events()`,
];

export const hostNotices: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
