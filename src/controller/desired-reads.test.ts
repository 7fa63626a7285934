import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DesiredInputs } from '../core/fleet/host-store.js';
import type { VmRecord, VmTask } from '../core/fleet/vm-store.js';
import { startHarness, type Harness } from '../testing/controller-harness.js';
import { basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { createDesiredReads } from './desired-reads.js';

const inputsOf = (id: string) => ({ host: { id } }) as unknown as DesiredInputs;

describe('desired reads', () => {
  it('asks the store once for every host read in the same turn; an unknown host reads null', async () => {
    const asked: (readonly string[])[] = [];
    const reads = createDesiredReads({
      hosts: {
        desiredInputs: (ids) => {
          asked.push(ids);
          return Promise.resolve(
            new Map(ids.filter((i) => i !== 'x').map((i) => [i, inputsOf(i)])),
          );
        },
      },
      vms: {
        forHosts: () => Promise.resolve(new Map()),
        pendingTasks: () => Promise.resolve(new Map()),
      },
    });
    const got = await Promise.all(['a', 'b', 'x', 'a'].map((id) => reads.inputs(id)));
    expect(got.map((g) => g?.host.id ?? null)).toEqual(['a', 'b', null, 'a']);
    expect(asked).toHaveLength(1);
    // A read asked for after the batch went reads the store again (nothing is cached).
    await reads.inputs('a');
    expect(asked).toHaveLength(2);
  });

  it("gives each host its own domains and tasks, and every read of a failed batch the store's error", async () => {
    const vm = (id: string) => ({ instanceId: id }) as unknown as VmRecord;
    const task = (id: string) => ({ id }) as unknown as VmTask;
    let fail = false;
    const reads = createDesiredReads({
      hosts: { desiredInputs: () => Promise.reject(new Error('store gone')) },
      vms: {
        forHosts: () =>
          fail
            ? Promise.reject(new Error('store gone'))
            : Promise.resolve(new Map([['h1', [vm('i1'), vm('i2')]]])),
        pendingTasks: () => Promise.resolve(new Map([['h2', [task('t1')]]])),
      },
    });
    const [h1, h2] = await Promise.all([reads.vms('h1'), reads.vms('h2')]);
    expect(h1).toEqual({ vms: [vm('i1'), vm('i2')], tasks: [] });
    expect(h2).toEqual({ vms: [], tasks: [task('t1')] });
    fail = true;
    const failed = await Promise.allSettled([reads.vms('h1'), reads.inputs('h1')]);
    expect(failed.map((f) => f.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('a spec change waking many long polls', () => {
  let h: Harness;
  const agents = new Map<string, string>();
  beforeAll(async () => {
    h = await startHarness('pglite');
    await basicCatalog(h, 2);
    for (let i = 0; i < 8; i++) {
      const name = `n${String(i)}`;
      agents.set(name, await joinHost(h, { name, pfs: 1, vfsPerPf: 2 }));
    }
  }, 120_000);
  afterAll(() => h.close());

  it('answers every poll with the new state from one read of all their hosts', async () => {
    const after = new Map<string, number>();
    for (const [name, token] of agents) {
      const now = await h.call('GET', `/v1/agent/hosts/${name}/desired`, token);
      after.set(name, now.body.generation as number);
    }
    const inputs = vi.spyOn(h.deps.store.hosts, 'desiredInputs');
    const domains = vi.spyOn(h.deps.store.vms, 'forHosts');
    const polls = [...agents].map(([name, token]) =>
      h.call(
        'GET',
        `/v1/agent/hosts/${name}/desired?after=${String(after.get(name))}&waitSeconds=30&brief=true`,
        token,
      ),
    );
    // Every poll waits from memory (the plain reads above left each host's generation known).
    await vi.waitFor(() => {
      expect(h.deps.longPolls.waiting()).toBe(agents.size);
    });
    expect(inputs).not.toHaveBeenCalled();
    const specs = await h.call('GET', '/v1/specs', h.admin);
    const spec = (specs.body.items as { id: string }[])[0];
    const patched = await h.call('PATCH', `/v1/specs/${spec?.id ?? ''}`, h.admin, {
      vfDriver: 'kernel',
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const answers = await Promise.all(polls);
    for (const [i, a] of answers.entries()) {
      const name = `n${String(i)}`;
      expect(a.status).toBe(200);
      expect(a.body.generation).toBeGreaterThan(after.get(name) ?? Infinity);
      expect(a.body.state).toBeDefined();
    }
    // One notice woke all eight: their reads went to the store together, not one by one.
    const asked = inputs.mock.calls.map(([ids]) => ids.length);
    expect(asked.reduce((s, n) => s + n, 0)).toBeGreaterThanOrEqual(agents.size);
    expect(Math.max(...asked)).toBeGreaterThan(1);
    expect(inputs.mock.calls.length).toBeLessThan(agents.size);
    expect(domains.mock.calls.length).toBeLessThan(agents.size);
  }, 60_000);
});
