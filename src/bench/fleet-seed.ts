import { sql } from 'kysely';
import type { OpenedStore } from '../adapters/store/open-store.js';

export interface SeedSpec {
  readonly hosts: number;
  readonly pfsPerHost: number;
  readonly vfsPerPf: number;
  readonly cpusPerNode: number;
  /** last_seen of every host; the bench controller's clock stands still at this time. */
  readonly now: string;
}

/**
 * A fleet written straight into the store with set-based SQL (seconds for
 * a million VFs, where agents would take hours): physnet p1, spec `igb`
 * (numVfs = vfsPerPf, already applied), network `blue` of tenant `bench`,
 * and ready, healthy hosts on two NUMA nodes with every VF free. Works on
 * PGlite and PostgreSQL alike.
 */
export async function seedFleet(store: OpenedStore, s: SeedSpec): Promise<void> {
  const db = store.db;
  const numa = JSON.stringify([
    { node: 0, socket: 0, cpus: s.cpusPerNode },
    { node: 1, socket: 1, cpus: s.cpusPerNode },
  ]);
  await sql`insert into physnets (name, vlan_ranges) values ('p1', ${JSON.stringify([{ min: 100, max: 3999 }])}::jsonb)`.execute(
    db,
  );
  await sql`insert into device_specs (id, name, driver, physnet, trusted, num_vfs, vf_driver, created_at)
    values ('spec-igb', 'igb', 'igb', 'p1', false, ${s.vfsPerPf}, 'vfio-pci', ${s.now})`.execute(
    db,
  );
  await sql`insert into networks (id, name, tenant, physnet, vlan) values ('net-blue', 'blue', 'bench', 'p1', 100)`.execute(
    db,
  );
  await sql`insert into hosts (id, labels, healthy, last_seen, desired_generation, spec_generation,
      applied_generation, spec_fingerprint, numa_nodes, memory_mb, findings, created_at)
    select 'host' || lpad(i::text, 5, '0'), '{}'::jsonb, true, ${s.now}, 1, 1, 1, 'seeded',
      ${numa}::jsonb, 1048576, '[]'::jsonb, ${s.now}
    from generate_series(0, ${s.hosts - 1}) as i`.execute(db);
  await sql`insert into pfs (host_id, pci_address, ifname, vendor_id, device_id, driver, total_vfs,
      num_vfs, numa_node, spec_id)
    select h.id, '0000:' || lpad(to_hex(16 + p), 2, '0') || ':00.0', 'ens' || (16 + p), '8086',
      '1521', 'igb', ${s.vfsPerPf}, ${s.vfsPerPf}, p % 2, 'spec-igb'
    from hosts h cross join generate_series(0, ${s.pfsPerHost - 1}) as p`.execute(db);
  // Tagged as the spec's re-tag would: physnet, trust and owner (vfleet, or never claimed).
  await sql`insert into vfs (pf_id, host_id, vf_index, pci_address, numa_node, physnet, trusted, owner)
    select pf.id, pf.host_id, v,
      substr(pf.pci_address, 1, 8) || to_hex(16 + v / 8) || '.' || (v % 8), pf.numa_node, 'p1', false,
      'vfleet'
    from pfs pf cross join generate_series(0, ${s.vfsPerPf - 1}) as v`.execute(db);
  await sql`analyze`.execute(db);
}
