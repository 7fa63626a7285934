import { sql } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaimInput } from '../../core/fleet/claim-store.js';
import { schedule } from '../../core/scheduler/schedule.js';
import { startHarness, type Harness } from '../../testing/controller-harness.js';
import { basicCatalog, joinHost } from '../../testing/fleet-sim.js';
import { stopPgCluster } from '../../testing/store-targets.js';

afterAll(stopPgCluster);

/**
 * A claim that waited for the host's lock counts the vCPUs the previous
 * holder committed. Only PostgreSQL runs claims side by side (PGlite runs
 * one transaction at a time), so the race is on PostgreSQL: another
 * transaction holds the host row, the claim waits for it, the other fills
 * the NUMA node and commits; the claim must then lose on `cpus`, not take
 * vCPUs that are gone (a sub-select in the locking statement would still
 * see the node empty: its snapshot predates the wait).
 */
describe('a claim waiting on the host lock, on postgres', () => {
  let h: Harness;
  let claim: ClaimInput;
  beforeEach(async () => {
    h = await startHarness('postgres');
    await basicCatalog(h, 2);
    await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 2, cpusPerNode: 4 });
    const staleBefore = new Date(h.clock - 60_000).toISOString();
    const hosts = await h.store.claims.candidates(['p1'], staleBefore);
    const plan = schedule(
      hosts,
      {
        vcpus: 1,
        memoryMb: 256,
        numaPolicy: 'required',
        hostLabels: {},
        ports: [{ physnet: 'p1', trusted: false }],
        distinctPfs: false,
      },
      'pack',
    );
    if (!plan.ok) throw new Error(plan.message);
    const placement = plan.placements[0];
    const network = await h.store.catalog.networkByName('acme', 'blue');
    if (placement === undefined || network === null) throw new Error('no placement or network');
    const now = new Date(h.clock).toISOString();
    claim = {
      id: 'i1',
      name: 'vm1',
      tenant: 'acme',
      vcpus: 1,
      memoryMb: 256,
      numaPolicy: 'required',
      hostLabels: {},
      placement,
      ports: [
        {
          id: 'p1',
          network,
          vnicType: 'direct',
          mac: 'fa:16:3e:00:00:01',
          macGenerated: false,
          trusted: false,
          spoofchk: true,
          maxTxRate: 0,
          minTxRate: 0,
        },
      ],
      now,
      reservedUntil: new Date(h.clock + 60_000).toISOString(),
      staleBefore,
    };
  }, 120_000);
  afterEach(() => h.close());

  it('loses on cpus when the lock holder took the node meanwhile', async () => {
    const node = claim.placement.numaNode;
    expect(node).not.toBeNull();
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let locked: () => void = () => undefined;
    const isLocked = new Promise<void>((r) => (locked = r));
    const other = h.store.db.transaction().execute(async (tx) => {
      await sql`select id from hosts where id = 'node1' for update`.execute(tx);
      locked();
      await held;
      // Every vCPU of the node, for an instance without ports.
      await sql`insert into instances (id, name, tenant, host_id, state, vcpus, memory_mb,
          numa_policy, numa_node, host_labels, reserved_until, created_at)
        values ('filler', 'filler', 'acme', 'node1', 'reserved', 4, 256, 'required', ${node},
          '{}'::jsonb, ${claim.reservedUntil}, ${claim.now})`.execute(tx);
    });
    await isLocked;
    const outcome = h.store.claims.claim(claim);
    // The claim is now waiting on the host row (nothing else to wait for here).
    await new Promise((r) => setTimeout(r, 300));
    release();
    await other;
    expect(await outcome).toEqual({ ok: false, lost: 'cpus' });
  });
});
