import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/controller-harness.js';
import { sampleValue } from '../testing/exposition.js';
import { basicCatalog, joinHost } from '../testing/fleet-sim.js';

const DELIVERY = 'vfleet_desired_state_delivery_seconds';

describe('a change delivered to a waiting long poll, measured', () => {
  let h: Harness;
  let agent: string;
  const registry = new Registry();
  const delivered = async (le?: string) =>
    sampleValue(
      await registry.metrics(),
      le === undefined ? `${DELIVERY}_count` : `${DELIVERY}_bucket`,
      le === undefined ? {} : { le },
    );
  beforeAll(async () => {
    h = await startHarness('pglite', {}, undefined, { metrics: registry });
    await basicCatalog(h, 4);
    agent = await joinHost(h, { name: 'n1', pfs: 1, vfsPerPf: 4 });
  }, 60_000);
  afterAll(() => h.close());

  const poll = (after: number, waitSeconds: number, brief: boolean) =>
    h.call(
      'GET',
      `/v1/agent/hosts/n1/desired?after=${String(after)}&waitSeconds=${String(waitSeconds)}${brief ? '&brief=true' : ''}`,
      agent,
    );

  it('a poll that waits out its time with nothing new observes no delivery', async () => {
    const now = await poll(0, 0, false);
    const after = now.body.generation as number;
    expect((await poll(after, 1, true)).body).toMatchObject({ unchanged: true });
    expect((await poll(after, 1, false)).body.generation).toBe(after);
    expect(await delivered()).toBe(0);
  });

  for (const brief of [true, false]) {
    it(`a ${brief ? 'brief' : 'full'} poll woken by a claim on its host observes one delivery, from the notice to its answer`, async () => {
      const before = (await delivered()) ?? 0;
      const after = (await poll(0, 0, false)).body.generation as number;
      const waiting = poll(after, 30, brief);
      // Claimed once the poll waits: the claim's commit notifies the host, which wakes it.
      await new Promise((r) => setTimeout(r, 300));
      const claim = await h.call('POST', '/v1/instances', h.admin, {
        name: `vm-${String(brief)}`,
        vcpus: 1,
        memoryMb: 256,
        tenant: 'acme',
        ports: [{ network: 'blue' }],
      });
      expect(claim.status, JSON.stringify(claim.body)).toBe(201);
      const answer = await waiting;
      expect(answer.body.generation).toBeGreaterThan(after);
      expect(answer.body.state).toBeDefined();
      expect(await delivered()).toBe(before + 1);
      // From the notice, not from the poll's start 300 ms before it: under a second.
      expect(await delivered('1')).toBe(before + 1);
    });
  }
});
