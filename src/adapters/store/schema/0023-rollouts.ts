import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Rollouts (issue 16): a spec change that moves the declared state of
 * hosts reaches them in waves. `before` is the whole spec list as it was:
 * the desired state of a host still held back is computed from it. One
 * row per host of the rollout, in the order it is offered (canaries
 * first); the partial index finds the hosts held back, read on every
 * desired-state answer.
 */
const STATEMENTS = [
  `create table rollouts (
     id text primary key,
     spec_id text not null,
     spec_name text not null,
     state text not null,
     max_unavailable text not null,
     canary integer not null,
     evacuate boolean not null,
     before jsonb not null,
     spec_before jsonb not null,
     spec_after jsonb not null,
     wave integer not null default 0,
     message text,
     created_at timestamptz not null,
     updated_at timestamptz not null,
     finished_at timestamptz
   )`,
  `create table rollout_hosts (
     rollout_id text not null references rollouts (id) on delete cascade,
     host_id text not null,
     position integer not null,
     wave integer,
     state text not null,
     target_generation integer,
     errors_before integer not null default 0,
     started_at timestamptz,
     finished_at timestamptz,
     message text,
     instances jsonb not null default '[]',
     primary key (rollout_id, host_id)
   )`,
  `create index rollout_hosts_held on rollout_hosts (host_id)
     where state in ('pending', 'refused', 'evacuating')`,
  `create index rollouts_open on rollouts (created_at) where state in ('running', 'paused')`,
];

export const rollouts: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
