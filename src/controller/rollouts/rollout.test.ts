import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type Json } from '../../testing/controller-harness.js';
import { applyDesired, basicCatalog, joinHost } from '../../testing/fleet-sim.js';
import { advanceRollout } from './rollout-pass.js';

/**
 * A rollout across a fixture fleet of 50 hosts (simulated agents through the
 * API), its passes run one at a time as any controller's would run them.
 */
const HOSTS = Array.from({ length: 50 }, (_, i) => `host-${String(i).padStart(2, '0')}`);
const FAILING = 'host-03';
const HOLDING = 'host-10';
/** Set once the operator has fixed host-03: its applies succeed from then on. */
let fixed = false;

let h: Harness;
const agents = new Map<string, string>();
beforeAll(async () => {
  h = await startHarness('pglite');
  await basicCatalog(h, 2);
  for (const [i, name] of HOSTS.entries())
    agents.set(name, await joinHost(h, { name, pfs: 1, vfsPerPf: 2, labels: { name } }, 0x10 + i));
}, 300_000);
afterAll(() => h.close());

interface RolloutOut {
  id: string;
  state: string;
  wave: number;
  message: string | null;
  counts: Record<string, number>;
  hosts: {
    host: string;
    state: string;
    wave: number | null;
    message: string | null;
    instances: string[];
  }[];
}
const rollout = async (id: string) =>
  (await h.call('GET', `/v1/rollouts/${id}`, h.admin)).body as unknown as RolloutOut;
const desiredVfs = async (host: string) => {
  const d = await h.call('GET', `/v1/agent/hosts/${host}/desired`, h.admin);
  return (d.body as { state: { pfs: { numVfs: number }[] } }).state.pfs[0]?.numVfs;
};
/** Every agent applies what it was given; the failing one reports its apply failed. */
const agentsApply = async () => {
  for (const name of HOSTS) {
    const agent = agents.get(name) ?? '';
    const host = (await h.call('GET', `/v1/hosts/${name}`, h.admin)).body as {
      desiredGeneration: number;
      appliedGeneration: number;
    };
    if (host.appliedGeneration >= host.desiredGeneration) continue;
    if (name === FAILING && !fixed) {
      const d = await h.call('GET', `/v1/agent/hosts/${name}/desired`, agent);
      const gen = (d.body as { generation: number }).generation;
      const r = await h.call('POST', `/v1/agent/hosts/${name}/applied`, agent, {
        generation: gen,
        ok: false,
        failedVfs: [],
        message: 'injected: writing sriov_numvfs failed (EBUSY)',
      });
      expect(r.status).toBe(200);
    } else await applyDesired(h, agent, name);
  }
};
const pass = async () => {
  const [r] = await h.deps.store.rollouts.running();
  return r === undefined ? null : advanceRollout(h.deps, r);
};

describe('a rollout across 50 hosts', () => {
  it('goes canary first, then waves of maxUnavailable, pauses on the failing host naming it, and resume goes on', async () => {
    // An instance on host-10 holds a VF the change recreates: that host waits for it.
    const held = await h.call('POST', '/v1/instances', h.admin, {
      name: 'keeper',
      vcpus: 1,
      memoryMb: 64,
      tenant: 'acme',
      hostLabels: { name: HOLDING },
      ports: [{ network: 'blue' }],
    });
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    const spec = ((await h.call('GET', '/v1/specs', h.admin)).body.items as Json[])[0];
    const patch = await h.call('PATCH', `/v1/specs/${String(spec?.id)}`, h.admin, {
      numVfs: 4,
      rollout: { maxUnavailable: '10%', canary: 1 },
    });
    expect(patch.status, JSON.stringify(patch.body)).toBe(200);
    const id = String(patch.body.rollout);
    expect((await rollout(id)).counts.pending).toBe(50);
    // Held back: every agent is still given 2 VFs.
    expect(await desiredVfs('host-00')).toBe(2);
    // One rollout at a time.
    const second = await h.call('PATCH', `/v1/specs/${String(spec?.id)}`, h.admin, { numVfs: 3 });
    expect(second.status).toBe(409);
    expect(second.body.message).toContain(`rollout ${id}`);

    expect(await pass()).toBe('running');
    let r = await rollout(id);
    expect(r.message).toContain('wave 1 (canary): host-00');
    expect(r.counts.updating).toBe(1);
    expect(await desiredVfs('host-00')).toBe(4);
    expect(await desiredVfs('host-01')).toBe(2);

    let maxUpdating = 1;
    let paused: RolloutOut | null = null;
    for (let i = 0; i < 30 && paused === null; i++) {
      await agentsApply();
      const state = await pass();
      r = await rollout(id);
      maxUpdating = Math.max(maxUpdating, r.counts.updating ?? 0);
      if (state === 'paused') paused = r;
    }
    // Wave 2 held host-01 to host-05: host-03 failed, and the rollout paused after its wave.
    expect(paused?.state).toBe('paused');
    expect(paused?.message).toContain(`${FAILING} (its apply failed: injected`);
    expect(paused?.hosts.find((x) => x.host === FAILING)).toMatchObject({
      state: 'failed',
      wave: 2,
    });
    expect(paused?.counts.pending).toBe(44);
    // Paused: no pass moves it.
    await agentsApply();
    expect(await pass()).toBeNull();
    expect((await rollout(id)).counts.pending).toBe(44);

    const resumed = await h.call('POST', `/v1/rollouts/${id}/resume`, h.admin, {
      skipFailed: true,
    });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    expect(resumed.body).toMatchObject({ state: 'running', counts: { skipped: 1 } });
    for (let i = 0; i < 40 && r.counts.pending !== 0; i++) {
      await agentsApply();
      await pass();
      r = await rollout(id);
      maxUpdating = Math.max(maxUpdating, r.counts.updating ?? 0);
    }
    // 10% of 50: never more than 5 hosts updating at once.
    expect(maxUpdating).toBe(5);
    await agentsApply();
    await pass();
    r = await rollout(id);
    expect(r.hosts.find((x) => x.host === HOLDING)).toMatchObject({
      state: 'refused',
      instances: ['keeper'],
    });
    expect(r.message).toContain(`waiting on 1 host(s)`);
    expect(await desiredVfs(HOLDING)).toBe(2);

    // Its instance deleted, host-10 is released and the rollout ends.
    expect((await h.call('DELETE', `/v1/instances/${String(held.body.id)}`, h.admin)).status).toBe(
      204,
    );
    await applyDesired(h, agents.get(HOLDING) ?? '', HOLDING);
    for (let i = 0; i < 5 && r.state === 'running'; i++) {
      await pass();
      await agentsApply();
      r = await rollout(id);
    }
    expect(r.state).toBe('done');
    expect(r.message).toBe(`49 host(s) updated; skipped: ${FAILING}`);
    expect(r.counts).toMatchObject({ done: 49, skipped: 1, pending: 0, updating: 0 });
    expect(await desiredVfs(HOLDING)).toBe(4);
    expect(await desiredVfs('host-49')).toBe(4);

    const events = await h.call('GET', '/v1/events?kind=rollout&limit=100', h.admin);
    const states = (events.body.items as { data: { state: string } }[]).map((e) => e.data.state);
    expect(states).toEqual(['running', 'paused', 'running', 'done']);
    const audited = async (action: string) => {
      const a = await h.call(
        'GET',
        `/v1/audit?object=rollout:${id}&action=${action}&limit=500`,
        h.admin,
      );
      return (a.body.items as unknown[]).length;
    };
    expect(await audited('rollout.start')).toBe(1);
    expect(await audited('rollout.resume')).toBe(1);
    // Each release and each gate's end: a step for every host, and the pause and the end.
    expect(await audited('rollout.step')).toBeGreaterThan(100);
  }, 300_000);

  it('aborts: the spec is back as it was, the updated hosts go back, the others never moved', async () => {
    const spec = ((await h.call('GET', '/v1/specs', h.admin)).body.items as Json[])[0];
    const patch = await h.call('PATCH', `/v1/specs/${String(spec?.id)}`, h.admin, {
      numVfs: 6,
      rollout: { maxUnavailable: 1, canary: 0 },
    });
    const id = String(patch.body.rollout);
    await pass();
    await agentsApply();
    await pass();
    expect((await rollout(id)).counts).toMatchObject({ done: 1, updating: 1 });
    expect(await desiredVfs('host-00')).toBe(6);
    expect(await desiredVfs('host-02')).toBe(4);
    const aborted = await h.call('POST', `/v1/rollouts/${id}/abort`, h.admin, {});
    expect(aborted.status, JSON.stringify(aborted.body)).toBe(200);
    expect(aborted.body.state).toBe('aborted');
    const after = (await h.call('GET', `/v1/specs/${String(spec?.id)}`, h.admin)).body;
    expect(after.numVfs).toBe(4);
    for (const host of ['host-00', 'host-01', 'host-02']) expect(await desiredVfs(host)).toBe(4);
    expect(await pass()).toBeNull();
    const again = await h.call('POST', `/v1/rollouts/${id}/resume`, h.admin, {});
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('is aborted');
  });

  it('refuses a bad policy naming the field, changing nothing', async () => {
    const spec = ((await h.call('GET', '/v1/specs', h.admin)).body.items as Json[])[0];
    for (const [rollout, field] of [
      [{ maxUnavailable: '0%' }, 'rollout.maxUnavailable'],
      [{ maxUnavailable: 'half' }, 'rollout.maxUnavailable'],
      [{ canary: -1 }, 'rollout.canary'],
      [{ surge: 1 }, 'rollout'],
    ] as const) {
      const r = await h.call('PATCH', `/v1/specs/${String(spec?.id)}`, h.admin, {
        numVfs: 5,
        rollout,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body).toMatchObject({ code: 'INVALID_INPUT', details: { field } });
    }
    expect((await h.call('GET', `/v1/specs/${String(spec?.id)}`, h.admin)).body.numVfs).toBe(4);
  });

  it('never releases more than maxUnavailable, even with two controllers passing at once', async () => {
    const spec = ((await h.call('GET', '/v1/specs', h.admin)).body.items as Json[])[0];
    const patch = await h.call('PATCH', `/v1/specs/${String(spec?.id)}`, h.admin, {
      numVfs: 5,
      rollout: { maxUnavailable: 2, canary: 0 },
    });
    const id = String(patch.body.rollout);
    const [r] = await h.deps.store.rollouts.running();
    if (r === undefined) throw new Error('no rollout');
    await Promise.all([advanceRollout(h.deps, r), advanceRollout(h.deps, r)]);
    const after = await rollout(id);
    expect(after.counts.updating).toBe(2);
    expect(after.counts.pending).toBe(48);
    // A pass that read the rollout before those releases, as another controller's may have:
    // the store releases nothing more while the wave is full, nor a host already released.
    const now = new Date(h.clock).toISOString();
    const [first] = after.hosts.filter((x) => x.state === 'updating');
    expect(await h.deps.store.rollouts.release(r, 'host-30', 1, 2, now)).toMatchObject({
      released: false,
      waveFull: true,
      why: 'its wave is full',
    });
    expect(await h.deps.store.rollouts.release(r, first?.host ?? '', 1, 99, now)).toMatchObject({
      released: false,
      why: 'released by another pass',
    });
    expect((await rollout(id)).counts).toMatchObject({ updating: 2, pending: 48 });
    expect((await h.call('POST', `/v1/rollouts/${id}/abort`, h.admin, {})).status).toBe(200);
  });

  it('resume gives a failed host its apply again: once fixed, it passes and the rollout ends', async () => {
    const spec = ((await h.call('GET', '/v1/specs', h.admin)).body.items as Json[])[0];
    const patch = await h.call('PATCH', `/v1/specs/${String(spec?.id)}`, h.admin, {
      numVfs: 3,
      rollout: { maxUnavailable: '10%', canary: 0 },
    });
    expect(patch.status, JSON.stringify(patch.body)).toBe(200);
    const id = String(patch.body.rollout);
    let state: string | null = 'running';
    for (let i = 0; i < 5 && state !== 'paused'; i++) {
      await agentsApply();
      state = await pass();
    }
    expect(state).toBe('paused');
    const generation = async () =>
      ((await h.call('GET', `/v1/hosts/${FAILING}`, h.admin)).body as { desiredGeneration: number })
        .desiredGeneration;
    const before = await generation();

    // Resumed, the failed host is given its declared state again under a new generation,
    // and its gate waits for that apply rather than failing on the old one at once.
    const resumed = await h.call('POST', `/v1/rollouts/${id}/resume`, h.admin, {});
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    expect(await generation()).toBe(before + 1);
    let r = await rollout(id);
    expect(r.hosts.find((x) => x.host === FAILING)).toMatchObject({ state: 'updating' });
    expect(await pass()).toBe('running');
    // Not fixed yet: the retry fails, and the rollout pauses again naming it.
    await agentsApply();
    expect(await pass()).toBe('paused');
    expect((await rollout(id)).message).toContain(`${FAILING} (its apply failed: injected`);

    fixed = true;
    expect((await h.call('POST', `/v1/rollouts/${id}/resume`, h.admin, {})).status).toBe(200);
    for (let i = 0; i < 30 && r.state !== 'done'; i++) {
      await agentsApply();
      await pass();
      r = await rollout(id);
    }
    expect(r.state).toBe('done');
    expect(r.message).toBe('50 host(s) updated');
    expect(await desiredVfs(FAILING)).toBe(3);
  }, 300_000);
});
