import { sql } from 'kysely';
import type { OpenedStore } from '../adapters/store/open-store.js';
import { seedFleet, type SeedSpec } from './fleet-seed.js';

/**
 * The fleet shape of the Placement kit (load.py) in vfleet's store: per host
 * `pfsPerHost` PFs of `vfsPerPf` VFs, PF i on physnet (i mod physnets)+1.
 * vfleet's physnet `p1` stands for the kit's CUSTOM_PHYSNET_PHYSNET1 and `p2`
 * for PHYSNET2; the bench's network `blue` is on p1, as the kit's requests
 * require PHYSNET1, so only half the VFs of a 2-PF host can serve them on
 * both sides.
 *
 * The one function the side-by-side seeds through: when hosts joined by the
 * agents' real code (simulated-fleet) exist, swap its body, not its callers.
 */
export async function seedKitShapedFleet(
  store: OpenedStore,
  s: SeedSpec & { readonly physnets: 1 | 2 },
): Promise<void> {
  await seedFleet(store, s);
  if (s.physnets === 1) return;
  const db = store.db;
  // A second spec for the odd PFs, matched by seedFleet's address of PF 1
  // (0000:11:00.0), so the specs say what the VFs' physnet columns say.
  // Nothing re-tags during the bench.
  await sql`insert into physnets (name, vlan_ranges) values ('p2', ${JSON.stringify([{ min: 100, max: 3999 }])}::jsonb)`.execute(
    db,
  );
  await sql`insert into device_specs (id, name, driver, pci_address, physnet, trusted, num_vfs, vf_driver, created_at)
    values ('spec-igb-p2', 'igb-p2', 'igb', '0000:11:00.0', 'p2', false, ${s.vfsPerPf}, 'vfio-pci', ${s.now})`.execute(
    db,
  );
  await sql`update pfs set spec_id = 'spec-igb-p2'
    from (select id, row_number() over (partition by host_id order by pci_address) - 1 as idx from pfs) as ranked
    where pfs.id = ranked.id and ranked.idx % 2 = 1`.execute(db);
  await sql`update vfs set physnet = 'p2'
    where pf_id in (select id from pfs where spec_id = 'spec-igb-p2')`.execute(db);
  await sql`analyze`.execute(db);
}
