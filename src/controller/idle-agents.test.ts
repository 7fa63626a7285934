import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness } from '../testing/controller-harness.js';
import { basicCatalog, joinHost, SIM_IMAGES, simInventory } from '../testing/fleet-sim.js';

const spec = { name: 'n1', pfs: 1, vfsPerPf: 4 };

/** The idle agent's two requests through the real routes: a heartbeat by digest, a brief long poll. */
describe('idle agents', () => {
  let h: Harness;
  let agent: string;
  beforeAll(async () => {
    h = await startHarness('pglite');
    await basicCatalog(h, 4);
    agent = await joinHost(h, spec);
  }, 60_000);
  afterAll(() => h.close());

  const fullReport = () =>
    h.call('POST', '/v1/agent/hosts/n1/report', agent, {
      inventory: simInventory(spec, 0x10),
      findings: [],
      numaNodes: [0, 1].map((node) => ({ node, socket: node, cpus: 16 })),
      images: SIM_IMAGES,
    });
  const beat = (body: unknown, token = agent) =>
    h.call('POST', '/v1/agent/hosts/n1/heartbeat', token, body);
  const claim = async (name: string) => {
    const r = await h.call('POST', '/v1/instances', h.admin, {
      name,
      vcpus: 1,
      memoryMb: 256,
      tenant: 'acme',
      ports: [{ network: 'blue' }],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  };
  /** Resolves once this controller has heard the store's notice for n1 (it moves the key's mark). */
  const noticed = async (before: number) => {
    await vi.waitFor(() => {
      expect(h.deps.feed.mark('n1')).not.toBe(before);
    });
  };

  it('a heartbeat names the held report by its digest, answered from memory until the host changes', async () => {
    const report = await fullReport();
    expect(report.status).toBe(200);
    const digest = report.body.reportDigest as string;
    expect(digest.length).toBeGreaterThan(10);

    const checks = vi.spyOn(h.deps.store.hosts, 'heartbeat');
    const writes = vi.spyOn(h.deps.store.hosts, 'writeSightings');
    expect((await beat({ digest })).body).toEqual({ reportNeeded: false });
    h.clock += 1_000;
    const second = new Date(h.clock).toISOString();
    expect((await beat({ digest })).body).toEqual({ reportNeeded: false });
    expect(checks).toHaveBeenCalledTimes(1);
    // Its last_seen comes in the next batch, with the time it was heard.
    await vi.waitFor(() => {
      expect(writes.mock.calls.flat(2)).toContainEqual({ id: 'n1', at: second });
    });
    expect((await h.call('GET', '/v1/hosts/n1', h.admin)).body.lastSeen).toBe(second);

    // A claim on the host is a notice for it: the next heartbeat is checked in the store again.
    const mark = h.deps.feed.mark('n1');
    await claim('vm1');
    await noticed(mark);
    expect((await beat({ digest })).body).toEqual({ reportNeeded: false });
    expect(checks).toHaveBeenCalledTimes(2);

    // Another report, or none held: the agent is told to send it whole.
    expect((await beat({ digest: 'not-the-report' })).body).toEqual({ reportNeeded: true });
  });

  it('refuses a heartbeat without a digest, or for another host', async () => {
    const bad = await beat({});
    expect(bad.status).toBe(400);
    expect(bad.body.details).toMatchObject({ field: 'digest' });
    const other = await h.token('agent', { host: 'n2' });
    expect((await beat({ digest: 'x' }, other)).status).toBe(403);
  });

  it('a brief long poll reads the store once, then answers unchanged from memory; a change wakes it with the state', async () => {
    const reads = vi.spyOn(h.deps.store.hosts, 'desiredInputs');
    const now = await h.call('GET', '/v1/agent/hosts/n1/desired', agent);
    const after = now.body.generation as number;
    const brief = (wait: number) =>
      h.call(
        'GET',
        `/v1/agent/hosts/n1/desired?after=${after}&waitSeconds=${wait}&brief=true`,
        agent,
      );
    expect((await brief(1)).body).toEqual({ generation: after, unchanged: true });
    expect((await brief(1)).body).toEqual({ generation: after, unchanged: true });
    // The plain read remembered the generation: neither poll read the store.
    expect(reads).toHaveBeenCalledTimes(1);
    // Without brief (an older agent): the whole state, as before.
    const whole = await h.call('GET', `/v1/agent/hosts/n1/desired?after=${after}`, agent);
    expect(whole.body.state).toBeDefined();

    const waiting = brief(30);
    await vi.waitFor(() => {
      expect(h.deps.longPolls.waiting()).toBe(1);
    });
    await claim('vm2');
    const woken = await waiting;
    expect(woken.body.generation).toBeGreaterThan(after);
    expect(woken.body.state).toBeDefined();
  });

  it('a long poll that carries the held digest is the heartbeat, at its start and its end', async () => {
    const report = await fullReport();
    const digest = report.body.reportDigest as string;
    const now = await h.call('GET', '/v1/agent/hosts/n1/desired', agent);
    const after = now.body.generation as number;
    const writes = vi.spyOn(h.deps.store.hosts, 'writeSightings');
    const poll = (d: string, wait = 1) =>
      h.call(
        'GET',
        `/v1/agent/hosts/n1/desired?after=${after}&waitSeconds=${wait}&brief=true&digest=${encodeURIComponent(d)}`,
        agent,
      );
    h.clock += 1_000;
    const start = new Date(h.clock).toISOString();
    const waiting = poll(digest);
    await vi.waitFor(() => {
      expect(h.deps.longPolls.waiting()).toBe(1);
    });
    // Heard as it arrived (checked in the store: the report's notice dropped the remembered digest).
    const lastSeen = async () => (await h.call('GET', '/v1/hosts/n1', h.admin)).body.lastSeen;
    await vi.waitFor(async () => {
      expect(await lastSeen()).toBe(start);
    });
    h.clock += 1_000;
    const end = new Date(h.clock).toISOString();
    expect((await waiting).body).toEqual({
      generation: after,
      unchanged: true,
      reportNeeded: false,
    });
    // ...and as it answered, from memory, in the next batch.
    await vi.waitFor(() => {
      expect(writes.mock.calls.flat(2)).toContainEqual({ id: 'n1', at: end });
    });
    expect(await lastSeen()).toBe(end);

    // A digest the controller does not hold: answered at once, no sighting, the report asked for.
    writes.mockClear();
    const t0 = Date.now();
    const lost = await poll('not-the-report', 30);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(lost.body).toEqual({ generation: after, unchanged: true, reportNeeded: true });
    await h.deps.store.hosts.writeSightings([]);
    expect(writes.mock.calls.flat(2)).not.toContainEqual(expect.objectContaining({ id: 'n1' }));

    // Without a digest (older agents): no reportNeeded in the answer, no sighting.
    expect((await poll('', 0)).status).toBe(400);
    const plain = await h.call(
      'GET',
      `/v1/agent/hosts/n1/desired?after=${after}&waitSeconds=0&brief=true`,
      agent,
    );
    expect(plain.body).toEqual({ generation: after, unchanged: true });
  });
});
