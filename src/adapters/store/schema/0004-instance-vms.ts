import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * VMs on hosts (docs/libvirt.md, "Instances on hosts"): what each host's agent
 * reported about its devices for rendering, the libvirt domain of each
 * booted instance, hypervisor tasks handed to agents (migration steps), live
 * migrations with their reports, and the target-VF hold of a migrating port.
 */
const SCHEMA = `
      create table host_facts (
        host_id text primary key references hosts(id) on delete cascade,
        facts jsonb not null,
        irq_pins jsonb,
        updated_at timestamptz not null
      );
      create table instance_vms (
        instance_id text primary key references instances(id) on delete cascade,
        boot jsonb not null,
        desired text not null check (desired in ('running', 'absent')),
        state text,
        message text,
        hypervisor text,
        placement jsonb,
        updated_at timestamptz not null
      );
      create table vm_tasks (
        id text primary key,
        host_id text not null references hosts(id) on delete cascade,
        instance_id text,
        op text not null,
        args jsonb not null,
        state text not null default 'pending' check (state in ('pending', 'done', 'failed')),
        message text,
        created_at timestamptz not null,
        finished_at timestamptz
      );
      create index vm_tasks_pending on vm_tasks (host_id) where state = 'pending';
      create table migrations (
        id text primary key,
        instance_id text not null references instances(id) on delete cascade,
        source text not null,
        target text not null,
        state text not null check (state in ('running', 'done', 'rolled-back', 'needs-attention')),
        report jsonb,
        created_at timestamptz not null,
        finished_at timestamptz
      );
      create index migrations_instance on migrations (instance_id, created_at);
      alter table vfs add column migration_port text;
      alter table vfs drop constraint vfs_check;
      alter table vfs add constraint vfs_holder check (
        (state in ('reserved', 'allocated')) = (port_id is not null or migration_port is not null)
      )
`;

export const instanceVms: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One statement per query, as in the initial migration (PGlite).
    for (const statement of SCHEMA.split(/;\s*\n/)) {
      if (statement.trim() !== '') await sql.raw(statement).execute(db);
    }
  },
};
