import { sql } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { directPhysical } from './migration-direct-physical.js';
import { domainPolicy } from './migration-domain-policy.js';
import { events } from './migration-events.js';
import { idempotency } from './migration-idempotency.js';
import { liveSteps } from './migration-live-steps.js';
import { quotas } from './migration-quotas.js';
import { instanceVms } from './migration-vms.js';

/**
 * One set of migrations for PGlite and PostgreSQL (same SQL dialect). Plain
 * SQL so the schema reads as what it is; never edit a released migration,
 * add the next one.
 */
const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // PGlite runs one statement per query (extended protocol): split them.
    for (const statement of SCHEMA.split(/;\s*\n/)) {
      if (statement.trim() !== '') await sql.raw(statement).execute(db);
    }
  },
};

const SCHEMA = `
      create table hosts (
        id text primary key,
        labels jsonb not null default '{}',
        healthy boolean,
        last_seen timestamptz,
        desired_generation integer not null default 1,
        spec_generation integer not null default 1,
        applied_generation integer not null default 0,
        spec_fingerprint text not null default '',
        numa_nodes jsonb not null default '[]',
        memory_mb integer,
        findings jsonb not null default '[]',
        last_apply_message text,
        created_at timestamptz not null
      );
      create table pfs (
        id serial primary key,
        host_id text not null references hosts(id) on delete cascade,
        pci_address text not null,
        ifname text,
        vendor_id text not null,
        device_id text not null,
        driver text,
        total_vfs integer not null,
        num_vfs integer not null,
        numa_node integer,
        spec_id text,
        unique (host_id, pci_address)
      );
      create table vfs (
        id serial primary key,
        pf_id integer not null references pfs(id) on delete cascade,
        host_id text not null references hosts(id) on delete cascade,
        vf_index integer not null,
        pci_address text not null,
        numa_node integer,
        state text not null default 'free'
          check (state in ('free', 'reserved', 'allocated', 'quarantined')),
        dirty boolean not null default false,
        physnet text,
        trusted boolean not null default false,
        port_id text unique,
        reserved_until timestamptz,
        pending_generation integer not null default 0,
        note text,
        unique (pf_id, vf_index),
        check ((state in ('reserved', 'allocated')) = (port_id is not null))
      );
      create index vfs_free on vfs (pf_id, physnet, trusted) where state = 'free' and not dirty;
      create index vfs_host on vfs (host_id);
      create table physnets (
        name text primary key,
        vlan_ranges jsonb not null
      );
      create table device_specs (
        id text primary key,
        name text not null unique,
        vendor text,
        device text,
        driver text,
        pci_address text,
        pf text,
        physnet text not null references physnets(name),
        trusted boolean not null,
        num_vfs integer not null check (num_vfs between 0 and 4096),
        vf_driver text not null,
        created_at timestamptz not null
      );
      create table networks (
        id text primary key,
        name text not null,
        tenant text not null,
        physnet text not null references physnets(name),
        vlan integer not null check (vlan between 1 and 4094),
        unique (tenant, name),
        unique (physnet, vlan)
      );
      create table instances (
        id text primary key,
        name text not null,
        tenant text not null,
        host_id text references hosts(id),
        state text not null check (state in ('reserved', 'active', 'expired')),
        vcpus integer not null,
        memory_mb integer not null,
        numa_policy text not null,
        numa_node integer,
        host_labels jsonb not null,
        reserved_until timestamptz,
        created_at timestamptz not null
      );
      create index instances_host on instances (host_id) where state <> 'expired';
      create table ports (
        id text primary key,
        tenant text not null,
        network_id text not null references networks(id),
        instance_id text references instances(id) on delete cascade,
        vnic_type text not null,
        mac text not null,
        trusted boolean not null,
        spoofchk boolean not null,
        max_tx_rate integer not null,
        min_tx_rate integer not null
      );
      create unique index ports_mac on ports (mac);
      create table tokens (
        id text primary key,
        name text not null,
        role text not null check (role in ('admin', 'tenant', 'agent')),
        tenant text,
        host text,
        hash text not null unique,
        created_at timestamptz not null
      );
`;

/** Ports remember their place in the instance request (answers list them in that order). */
const portPosition: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table ports add column position integer not null default 0`.execute(db);
  },
};

export const migrations: MigrationProvider = {
  getMigrations: () =>
    Promise.resolve({
      '0001-initial': initial,
      '0002-port-position': portPosition,
      '0003-direct-physical': directPhysical,
      '0004-instance-vms': instanceVms,
      '0005-domain-policy': domainPolicy,
      '0006-idempotency': idempotency,
      '0007-quotas': quotas,
      '0008-events': events,
      '0010-live-steps': liveSteps,
    }),
};
