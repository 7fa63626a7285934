import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaimInput } from '../../core/fleet/claim-store.js';
import { schedule } from '../../core/scheduler/schedule.js';
import { startHarness, type Harness } from '../../testing/controller-harness.js';
import { applyDesired, basicCatalog, joinHost } from '../../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../../testing/store-targets.js';
import type { KyselyPlugin } from 'kysely';
import { createEventTap } from './event-store.js';
import { claimInstance } from './instance-claims.js';

afterAll(stopPgCluster);

/**
 * A claim and the rest of its unit of work (its domain and events) commit
 * together or not at all: what `complete` refuses leaves nothing behind,
 * so a create instance never has anything to give back.
 */
describe.each(STORE_KINDS)('a claim with its completion, on %s', (kind) => {
  let h: Harness;
  let claim: ClaimInput;
  beforeEach(async () => {
    h = await startHarness(kind);
    await basicCatalog(h, 2);
    await applyDesired(h, await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 2 }), 'node1');
    const staleBefore = new Date(h.clock - 60_000).toISOString();
    const hosts = await h.store.claims.candidates(['p1'], staleBefore);
    const request = {
      vcpus: 1,
      memoryMb: 256,
      numaPolicy: 'preferred' as const,
      hostLabels: {},
      ports: [{ physnet: 'p1', trusted: false }],
      distinctPfs: false,
    };
    const plan = schedule(hosts, request, 'pack');
    if (!plan.ok) throw new Error(plan.message);
    const placement = plan.placements[0];
    if (placement === undefined) throw new Error('no placement');
    const network = await h.store.catalog.networkByName('acme', 'blue');
    if (network === null) throw new Error('no network blue');
    const now = new Date(h.clock).toISOString();
    claim = {
      id: 'i1',
      name: 'vm1',
      tenant: 'acme',
      vcpus: 1,
      memoryMb: 256,
      numaPolicy: 'preferred',
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

  const world = async () => ({
    generation: (await h.store.hosts.get('node1'))?.desiredGeneration,
    instances: (await h.store.claims.pageInstances({ tenant: null }, { limit: 10, after: null }))
      .items.length,
    vfs: (await h.store.hosts.devices('node1')).vfs,
    events: (await h.store.events.page({ tenant: null }, { limit: 100, after: null })).items.length,
    audit: (await h.store.db.selectFrom('audit_log').select('action').execute()).map(
      (a) => a.action,
    ),
  });

  /** Counts the statements kysely sends (begin and commit are not queries of its own). */
  const counting = () => {
    const sent: string[] = [];
    const plugin: KyselyPlugin = {
      transformQuery: (a) => {
        sent.push(a.node.kind);
        return a.node;
      },
      transformResult: (a) => Promise.resolve(a.result),
    };
    return { sent, db: h.store.db.withPlugin(plugin) };
  };

  const created = (hostId: string | null) => ({
    kind: 'instance-created' as const,
    host: hostId,
    tenant: 'acme',
    subject: 'vm1',
    message: 'm',
    data: {},
  });

  it('a refusal in the completion rolls the claim back: nothing to release', async () => {
    const before = await world();
    const refused = h.store.claims.claim({
      ...claim,
      complete: () => {
        throw new Error('the domain does not render on this VF');
      },
    });
    await expect(refused).rejects.toThrow(/does not render/);
    expect(await world()).toEqual(before);
  });

  it('an accepted completion commits the domain and the events with the claim', async () => {
    const before = await world();
    const r = await h.store.claims.claim({
      ...claim,
      complete: (inst) => ({
        boot: { base: { kind: 'xml', xml: '<domain/>' }, ports: {}, policy: 'trusted' },
        events: [
          {
            kind: 'instance-created',
            host: inst.hostId,
            tenant: 'acme',
            subject: inst.name,
            message: 'm',
            data: {},
          },
        ],
      }),
    });
    expect(r.ok).toBe(true);
    expect(await h.store.vms.get('i1')).toMatchObject({ desired: 'running' });
    const after = await world();
    expect(after.instances).toBe(before.instances + 1);
    expect(after.events).toBe(before.events + 1);
    expect(after.generation).toBe((before.generation ?? 0) + 1);
  });

  it('writes its audit row and its events in one statement, emitted after the commit', async () => {
    const before = await world();
    const { sent, db } = counting();
    const tap = createEventTap();
    const heard: string[] = [];
    tap.onRecorded((es) => heard.push(...es.map((e) => e.kind)));
    const r = await claimInstance(db, tap, {
      ...claim,
      complete: (inst) => ({ boot: null, events: [created(inst.hostId)] }),
    });
    expect(r.ok).toBe(true);
    // Host lock, VFs (with the host's use), the asked MAC's check, the writes, then the
    // audit row and the events together (they were two statements, six in all).
    expect(sent).toEqual([
      'SelectQueryNode',
      'RawNode',
      'SelectQueryNode',
      'RawNode',
      'InsertQueryNode',
    ]);
    const after = await world();
    expect(after.audit).toEqual([...before.audit, 'instance.create']);
    expect(after.events).toBe(before.events + 1);
    expect(heard).toEqual(['instance-created']);
  });

  it('a refusal after the claim leaves no audit row, no event and tells no one', async () => {
    const before = await world();
    const tap = createEventTap();
    const heard: string[] = [];
    tap.onRecorded((es) => heard.push(...es.map((e) => e.kind)));
    const refused = claimInstance(h.store.db, tap, {
      ...claim,
      complete: () => {
        throw new Error('the domain does not render on this VF');
      },
    });
    await expect(refused).rejects.toThrow(/does not render/);
    expect(await world()).toEqual(before);
    expect(heard).toEqual([]);
  });
});
