import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../controller/controller-deps.js';
import { runController } from '../controller/run-controller.js';
import type { Json } from '../testing/controller-harness.js';
import { buildFixtureHost } from '../testing/fixture-host.js';
import { httpFleet } from '../testing/http-fleet.js';
import { createSimulatedKernelFs } from '../testing/simulated-kernel-fs.js';
import { openTestStore } from '../testing/store-targets.js';
import { runHostAgent } from './host-agent.js';

const clock = {
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};

async function until<T>(what: string, probe: () => Promise<T | null | false>, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const WHOLE = '0000:3b:00.0';
const VFS = '0000:5e:00.0';

// The agent's side does not depend on the store: PGlite only.
describe('an agent with a PF offered whole, controller over HTTP', () => {
  it('keeps the PF without VFs, binds and releases a direct-physical port on it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vfleet-e2e-whole-'));
    const logs: string[] = [];
    const { store } = await openTestStore('pglite');
    const ctl = await runController({
      store,
      host: '127.0.0.1',
      port: 0,
      adminTokenFile: join(dir, 'admin-token'),
      config: DEFAULT_CONFIG,
      now: () => Date.now(),
      log: (l) => logs.push(`controller: ${l}`),
      serializeClaims: store.embedded,
    });
    const api = httpFleet(ctl.url, (await readFile(join(dir, 'admin-token'), 'utf8')).trim());
    const fixture = await buildFixtureHost({
      hostname: 'hv-w',
      pfs: [
        { pciAddress: WHOLE, totalVfs: 7, numaNode: 0, localCpus: '0-3' },
        { pciAddress: VFS, totalVfs: 7, numaNode: 1, localCpus: '4-7' },
      ],
    });
    const kernel = createSimulatedKernelFs(fixture);
    const stop = new AbortController();
    let agent: Promise<void> | null = null;
    try {
      const must = async (method: string, path: string, body?: unknown) => {
        const r = await api.call(method, path, api.admin, body);
        expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
        return r.body;
      };
      await must('POST', '/v1/physnets', { name: 'p1', vlanRanges: [{ min: 100, max: 199 }] });
      await must('POST', '/v1/specs', { name: 'whole', pf: WHOLE, physnet: 'p1', wholePf: true });
      await must('POST', '/v1/specs', { name: 'vfs', pf: VFS, physnet: 'p1', numVfs: 2 });
      await must('POST', '/v1/networks', { name: 'blue', physnet: 'p1', tenant: 'acme' });
      agent = runHostAgent(
        {
          controller: ctl.url,
          token: await api.token('agent', { host: 'hv-w' }),
          labels: {},
          io: { fs: kernel.fs, runner: fixture.runner, clock },
          liveRoot: false,
          clock,
          log: (l) => logs.push(`agent: ${l}`),
        },
        stop.signal,
      );
      interface Pf {
        pciAddress: string;
        numVfs: number;
        whole: Json | null;
        vfs: unknown[];
      }
      const pfs = async () => (await must('GET', '/v1/hosts/hv-w')).pfs as Pf[];
      const whole = async () => (await pfs()).find((p) => p.pciAddress === WHOLE)?.whole;
      await until('the host to apply its specs', async () => {
        const d = (await api.call('GET', '/v1/hosts/hv-w', api.admin)).body;
        return (
          d.ready === true &&
          (d.pfs as Pf[] | undefined)?.find((p) => p.pciAddress === VFS)?.numVfs === 2
        );
      });
      // The agent created the other PF's VFs and never touched the whole PF's count.
      expect(kernel.writes().map((w) => w.path)).not.toContain(
        `/sys/bus/pci/devices/${WHOLE}/sriov_numvfs`,
      );
      expect(await whole()).toMatchObject({ physnet: 'p1', state: 'free', dirty: false });

      const inst = await must('POST', '/v1/instances', {
        name: 'vm1',
        vcpus: 1,
        memoryMb: 256,
        tenant: 'acme',
        // The two PFs sit on different NUMA nodes.
        numaPolicy: 'preferred',
        ports: [{ network: 'blue', vnicType: 'direct-physical' }, { network: 'blue' }],
      });
      expect((inst.ports as Json[]).map((p) => [p.pciAddress, p.vfIndex])).toEqual([
        [WHOLE, null],
        [expect.stringMatching(/^0000:5e:/), 0],
      ]);
      await until('the instance to be active', async () => {
        const i = await must('GET', `/v1/instances/${String(inst.id)}`);
        return i.state === 'active';
      });
      expect(await whole()).toMatchObject({ state: 'allocated' });

      await must('DELETE', `/v1/instances/${String(inst.id)}`);
      await until('the whole PF to be free and clean', async () => {
        const w = await whole();
        return w?.state === 'free' && w.dirty === false;
      });
      expect((await pfs()).find((p) => p.pciAddress === WHOLE)?.vfs).toEqual([]);
    } finally {
      stop.abort();
      await agent;
      await ctl.close();
      await store.close();
      await fixture.cleanup();
      await rm(dir, { recursive: true, force: true });
    }
    expect(logs).toEqual([]);
  }, 120_000);
});
