import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness } from '../testing/controller-harness.js';
import { basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { createLongPolls } from './long-polls.js';

describe('long-polls', () => {
  it('keeps one poll per key; a newer one replaces it', () => {
    const polls = createLongPolls();
    const a = polls.enter('t1:h1');
    const b = polls.enter('t1:h1');
    const other = polls.enter('t2:h1');
    expect(a.replaced.aborted).toBe(true);
    expect(b.replaced.aborted).toBe(false);
    expect(polls.waiting()).toBe(2);
    a.leave(); // the replaced one leaving takes nothing from the one that replaced it
    expect(polls.waiting()).toBe(2);
    b.leave();
    other.leave();
    expect(polls.waiting()).toBe(0);
  });
});

/** GET with a signal to hang up with (the harness's call has none). */
type Fetch = (path: string, init: RequestInit) => Promise<Response>;

describe('one long poll per agent token', () => {
  let h: Harness;
  let request: Fetch;
  let agent: string;
  beforeAll(async () => {
    h = await startHarness('pglite');
    await basicCatalog(h, 4);
    agent = await joinHost(h, { name: 'n1', pfs: 1, vfsPerPf: 4 });
    request = async (path, init) => h.app.fetch(new Request(`http://controller${path}`, init));
  }, 60_000);
  afterAll(() => h.close());

  it('300 polls by one token leave one waiting; a claim wakes one, not 300', async () => {
    const now = await h.call('GET', '/v1/agent/hosts/n1/desired', agent);
    const after = now.body.generation as number;
    const hangup = new AbortController();
    const statuses: number[] = [];
    const polls = Array.from({ length: 300 }, () =>
      request(`/v1/agent/hosts/n1/desired?after=${after}&waitSeconds=30`, {
        headers: { authorization: `Bearer ${agent}` },
        signal: hangup.signal,
      }).then(async (r) => {
        statuses.push(r.status);
        return { status: r.status, body: (await r.json()) as Record<string, unknown> };
      }),
    );
    try {
      // Each poll replaced by the next answers at once; only the newest waits.
      await vi.waitFor(
        () => {
          expect(statuses.length).toBe(299);
        },
        { timeout: 15_000 },
      );
      expect(h.deps.longPolls.waiting()).toBe(1);
      expect(new Set(statuses)).toEqual(new Set([409]));
      const first = await polls[0];
      expect(first?.body.code).toBe('CONFLICT');

      const reads = vi.spyOn(h.deps.store.hosts, 'desiredInputs');
      const claim = await h.call('POST', '/v1/instances', h.admin, {
        name: 'vm1',
        vcpus: 1,
        memoryMb: 256,
        tenant: 'acme',
        ports: [{ network: 'blue' }],
      });
      expect(claim.status, JSON.stringify(claim.body)).toBe(201);
      const last = await polls[299];
      expect(last?.status).toBe(200);
      expect(last?.body.generation).toBeGreaterThan(after);
      // The one waiting poll re-read the host once (twice if a second notice raced it).
      expect(reads.mock.calls.length).toBeLessThanOrEqual(2);
      expect(h.deps.longPolls.waiting()).toBe(0);
      reads.mockRestore();
    } finally {
      hangup.abort();
      await Promise.allSettled(polls);
    }
  }, 30_000);

  it('other tokens and plain reads do not replace a waiting poll', async () => {
    const now = await h.call('GET', '/v1/agent/hosts/n1/desired', agent);
    const after = now.body.generation as number;
    const hangup = new AbortController();
    const poll = (token: string) =>
      request(`/v1/agent/hosts/n1/desired?after=${after}&waitSeconds=30`, {
        headers: { authorization: `Bearer ${token}` },
        signal: hangup.signal,
      });
    const mine = poll(agent);
    const admins = poll(h.admin);
    try {
      await vi.waitFor(() => {
        expect(h.deps.longPolls.waiting()).toBe(2);
      });
      const plain = await h.call('GET', '/v1/agent/hosts/n1/desired', agent);
      expect(plain.status).toBe(200);
      expect(h.deps.longPolls.waiting()).toBe(2);
    } finally {
      hangup.abort();
      await Promise.allSettled([mine, admins]);
    }
  });
});
