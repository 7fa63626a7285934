import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type OpenedStore } from '../adapters/store/open-store.js';
import { pgliteTemplate } from '../testing/pglite-template.js';
import { seedKitShapedFleet } from './side-by-side-fleet.js';

let store: OpenedStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const spec = { hosts: 3, pfsPerHost: 2, vfsPerPf: 4, cpusPerNode: 64, now: '2026-12-03T00:00:00Z' };

const vfsByPhysnet = async (s: OpenedStore) =>
  (
    await sql<{ physnet: string; pf: string; spec: string; n: number }>`
      select v.physnet, pf.pci_address as pf, pf.spec_id as spec, count(*)::int as n
      from vfs v join pfs pf on pf.id = v.pf_id
      group by 1, 2, 3 order by 1, 2`.execute(s.db)
  ).rows;

// One case only: each store costs seconds; 1 physnet is seedFleet unchanged.
describe('seedKitShapedFleet', () => {
  it("2 physnets: PF 0 of every host on p1, PF 1 on p2 (the kit's PHYSNET1/PHYSNET2)", async () => {
    store = await openStore({ kind: 'pglite', template: await pgliteTemplate() });
    await seedKitShapedFleet(store, { ...spec, physnets: 2 });
    expect(await vfsByPhysnet(store)).toEqual([
      { physnet: 'p1', pf: '0000:10:00.0', spec: 'spec-igb', n: 12 },
      { physnet: 'p2', pf: '0000:11:00.0', spec: 'spec-igb-p2', n: 12 },
    ]);
  });
});
