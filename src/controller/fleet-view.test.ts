import { afterAll, describe, expect, it } from 'vitest';
import type { StoreNotices } from '../core/fleet/store.js';
import type { CandidateHost } from '../core/scheduler/types.js';
import { startHarness, type Harness } from '../testing/controller-harness.js';
import { applyDesired, basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';
import { startFleetView } from './fleet-view.js';

const vm = (i: number) => ({
  name: `vm${String(i)}`,
  vcpus: 1,
  memoryMb: 1,
  tenant: 'acme',
  ports: [{ network: 'blue' }],
});

const freeOn = (hosts: readonly CandidateHost[], id: string) =>
  hosts
    .find((h) => h.id === id)
    ?.pfs.reduce((n, pf) => n + pf.free.reduce((m, g) => m + g.count, 0), 0);

/** A second view over the harness's store (as another controller's), its reads recorded. */
async function watchingView(h: Harness) {
  const reads: (readonly string[] | null)[] = [];
  let tell: ((key: string | null) => void) | null = null;
  const notices: StoreNotices = {
    async listen(onKey) {
      tell = onKey;
      await h.store.notices.listen(onKey);
    },
    publish: (key) => h.store.notices.publish(key),
  };
  const view = await startFleetView({
    claims: {
      viewHosts: (ids) => {
        reads.push(ids);
        return h.store.claims.viewHosts(ids);
      },
      seenSince: (since) => h.store.claims.seenSince(since),
    },
    notices,
    now: () => h.clock,
    seenEveryMs: 60_000,
    log: () => undefined,
    id: 'test-view',
  });
  const seen = () =>
    view.ordered(['p1'], 'pack', new Date(h.clock - h.deps.config.staleAfterMs).toISOString());
  return { view, reads, seen, lose: () => tell?.(null) };
}

// The PostgreSQL cases share one throwaway cluster per test process: stopped, not left running.
afterAll(stopPgCluster);

describe.each(STORE_KINDS)('the fleet view, on %s', (kind) => {
  it('follows claims made elsewhere from the notices, re-reading only their hosts', async () => {
    const h = await startHarness(kind);
    const w = await watchingView(h);
    try {
      await basicCatalog(h, 4);
      await joinHost(h, { name: 'n1', pfs: 1, vfsPerPf: 4 });
      await joinHost(h, { name: 'n2', pfs: 1, vfsPerPf: 4 });
      await w.view.fresh();
      expect([freeOn(w.seen(), 'n1'), freeOn(w.seen(), 'n2')]).toEqual([4, 4]);
      // Through the harness's controller: to this view, another controller's claim.
      const r = await h.call('POST', '/v1/instances', h.admin, vm(1));
      expect(r.status).toBe(201);
      const on = String(r.body.host);
      await w.view.fresh();
      expect(freeOn(w.seen(), on)).toBe(3);
      // One whole read at start; after it only named hosts, never the fleet.
      expect(w.reads[0]).toBeNull();
      expect(w.reads.slice(1).every((ids) => ids !== null && ids.length <= 2)).toBe(true);
      expect(w.reads.slice(1).some((ids) => ids?.includes(on) === true)).toBe(true);
    } finally {
      w.view.close();
      await h.close();
    }
  }, 60_000);

  it('re-reads the whole fleet when notices may have been lost', async () => {
    const h = await startHarness(kind);
    const w = await watchingView(h);
    try {
      await basicCatalog(h, 2);
      await joinHost(h, { name: 'n1', pfs: 1, vfsPerPf: 2 });
      await w.view.fresh();
      const before = w.reads.filter((ids) => ids === null).length;
      w.lose();
      await w.view.caughtUp();
      expect(w.reads.filter((ids) => ids === null).length).toBe(before + 1);
      expect(freeOn(w.seen(), 'n1')).toBe(2);
    } finally {
      w.view.close();
      await h.close();
    }
  }, 60_000);

  it('never answers NO_CAPACITY before the view holds what was freed before the request', async () => {
    const h = await startHarness(kind);
    try {
      await basicCatalog(h, 1);
      const agent = await joinHost(h, { name: 'n1', pfs: 1, vfsPerPf: 1 });
      const first = await h.call('POST', '/v1/instances', h.admin, vm(1));
      expect(first.status).toBe(201);
      expect((await h.call('POST', '/v1/instances', h.admin, vm(2))).status).toBe(409);
      // Released and reset by the agent, then asked for at once: no wait, no sleep.
      expect(
        (await h.call('DELETE', `/v1/instances/${String(first.body.id)}`, h.admin)).status,
      ).toBe(204);
      await applyDesired(h, agent, 'n1');
      expect((await h.call('POST', '/v1/instances', h.admin, vm(3))).status).toBe(201);
    } finally {
      await h.close();
    }
  }, 60_000);
});
