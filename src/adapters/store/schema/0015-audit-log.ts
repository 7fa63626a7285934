import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * The audit log (docs/audit.md). No foreign keys: a record outlives the
 * host, instance, VF or token it names. The VFs and MACs a change touched
 * are text arrays with GIN indexes (`vfs @> array[...]`), so "who held VF
 * X" reads an index; the other filters have b-tree indexes ending in id,
 * the page key.
 */
const SCHEMA = `
      create table audit_log (
        id serial primary key,
        at timestamptz not null,
        actor_kind text not null,
        token_name text,
        token_role text,
        tenant text,
        request_id text,
        action text not null,
        method text,
        path text,
        object_type text,
        object_id text,
        object_name text,
        host_id text,
        instance_id text,
        vfs text[] not null default '{}',
        macs text[] not null default '{}',
        before jsonb,
        after jsonb,
        result text not null,
        status integer
      );
      create index audit_log_at on audit_log (at);
      create index audit_log_host on audit_log (host_id, id);
      create index audit_log_instance on audit_log (instance_id, id);
      create index audit_log_object on audit_log (object_type, object_id, id);
      create index audit_log_token on audit_log (token_name, id);
      create index audit_log_action on audit_log (action, id);
      create index audit_log_vfs on audit_log using gin (vfs);
      create index audit_log_macs on audit_log using gin (macs)
`;

export const auditLog: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // PGlite runs one statement per query (extended protocol): split them.
    for (const statement of SCHEMA.split(/;\s*\n/)) {
      if (statement.trim() !== '') await sql.raw(statement).execute(db);
    }
  },
};
