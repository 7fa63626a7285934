import { describe, expect, it } from 'vitest';
import type { Json } from '../testing/controller-harness.js';
import { startTestController, until } from '../testing/e2e-kit.js';
import { buildFixtureHost } from '../testing/fixture-host.js';
import { createSimulatedKernelFs } from '../testing/simulated-kernel-fs.js';

const WHOLE = '0000:3b:00.0';
const VFS = '0000:5e:00.0';

// The agent's side does not depend on the store: PGlite only.
describe('an agent with a PF offered whole, controller over HTTP', () => {
  it('keeps the PF without VFs, binds and releases a direct-physical port on it', async () => {
    const ctl = await startTestController('pglite');
    const { api } = ctl;
    const fixture = await buildFixtureHost({
      hostname: 'hv-w',
      pfs: [
        { pciAddress: WHOLE, totalVfs: 7, numaNode: 0, localCpus: '0-3' },
        { pciAddress: VFS, totalVfs: 7, numaNode: 1, localCpus: '4-7' },
      ],
    });
    const kernel = createSimulatedKernelFs(fixture);
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
      await ctl.startAgent('hv-w', { fixture, kernel });
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
      await ctl.close();
      await fixture.cleanup();
    }
    expect(ctl.logs.join('\n')).toBe('');
  }, 120_000);
});
