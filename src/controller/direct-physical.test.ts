import { afterAll, describe, expect, it } from 'vitest';
import type { Harness, Json } from '../testing/controller-harness.js';
import { startHarness } from '../testing/controller-harness.js';
import { applyDesired, simInventory } from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';

afterAll(stopPgCluster);

const WHOLE = '0000:11:00.0';
const VFS = '0000:10:00.0';

/** p1, a spec offering PF 11:00.0 whole, one giving PF 10:00.0 two VFs, and network blue. */
async function catalog(h: Harness): Promise<void> {
  const steps: [string, unknown][] = [
    ['/v1/physnets', { name: 'p1', vlanRanges: [{ min: 100, max: 199 }] }],
    ['/v1/specs', { name: 'whole', pf: WHOLE, physnet: 'p1', wholePf: true }],
    ['/v1/specs', { name: 'vfs', pciAddress: VFS, physnet: 'p1', numVfs: 2 }],
    ['/v1/networks', { name: 'blue', physnet: 'p1', tenant: 'acme' }],
  ];
  for (const [path, body] of steps) {
    const r = await h.call('POST', path, h.admin, body);
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  }
}

/** Registers `name` and reports PF 10:00.0 with 2 VFs and PF 11:00.0 with `wholeVfs` VFs. */
async function report(h: Harness, agent: string, name: string, wholeVfs = 0): Promise<void> {
  const inv = simInventory({ name, pfs: 2, vfsPerPf: 2 }, 0x10) as { pfs: Json[] };
  const second = inv.pfs[1] as Json & { vfs: unknown[] };
  inv.pfs[1] = { ...second, numVfs: wholeVfs, vfs: second.vfs.slice(0, wholeVfs) };
  const r = await h.call('POST', `/v1/agent/hosts/${name}/report`, agent, {
    inventory: inv,
    findings: [],
    numaNodes: [
      { node: 0, socket: 0, cpus: 16 },
      { node: 1, socket: 1, cpus: 16 },
    ],
    memoryMb: null,
  });
  if (r.status !== 200) throw new Error(`report: ${r.status} ${JSON.stringify(r.body)}`);
}

async function join(h: Harness, name: string, wholeVfs = 0): Promise<string> {
  const agent = await h.token('agent', { host: name });
  await h.call('POST', '/v1/agent/register', agent, { host: name, labels: {} });
  await report(h, agent, name, wholeVfs);
  await applyDesired(h, agent, name);
  return agent;
}

const vm = (name: string, ports: unknown[]) => ({
  name,
  vcpus: 1,
  memoryMb: 256,
  numaPolicy: 'preferred',
  tenant: 'acme',
  ports,
});
const pfPort = { network: 'blue', vnicType: 'direct-physical' };

const wholeOf = async (h: Harness, host: string, pci = WHOLE) =>
  (
    (await h.call('GET', `/v1/hosts/${host}`, h.admin)).body.pfs as {
      pciAddress: string;
      whole: Json | null;
    }[]
  ).find((p) => p.pciAddress === pci)?.whole;

describe.each(STORE_KINDS)('direct-physical ports on %s', (kind) => {
  it('hands a whole PF to a port: claim, bind through the agent, release, offer again', async () => {
    const h = await startHarness(kind);
    try {
      await catalog(h);
      const agent = await join(h, 'node1');
      expect(await wholeOf(h, 'node1')).toMatchObject({ physnet: 'p1', state: 'free' });
      expect(await wholeOf(h, 'node1', VFS)).toBeNull();

      const r = await h.call(
        'POST',
        '/v1/instances',
        h.admin,
        vm('vm1', [pfPort, { network: 'blue' }]),
      );
      expect(r.status).toBe(201);
      const [pf, vf] = r.body.ports as Json[];
      expect(pf).toMatchObject({
        vnicType: 'direct-physical',
        pciAddress: WHOLE,
        pf: WHOLE,
        vfIndex: null,
        mac: null,
        spoofchk: false,
        host: 'node1',
      });
      expect(pf?.note).toContain('whole PF');
      expect(vf).toMatchObject({ vnicType: 'direct', pf: VFS, vfIndex: 0 });
      expect(await wholeOf(h, 'node1')).toMatchObject({ state: 'reserved', portId: pf?.id });
      const port = await h.call('GET', `/v1/ports/${String(pf?.id)}`, h.admin);
      expect(port.body).toMatchObject({ pciAddress: WHOLE, vfIndex: null });

      // One whole PF on the fleet: the next request has none left.
      const second = await h.call('POST', '/v1/instances', h.admin, vm('vm2', [pfPort]));
      expect(second.status).toBe(409);
      expect(second.body.message).toContain('1 free whole PF(s) on physnet p1');

      // The agent keeps the PF at 0 VFs and leaves its link alone; applying binds the instance.
      const desired = await applyDesired(h, agent, 'node1');
      expect(desired.state.pfs.find((p) => p.pciAddress === WHOLE)).toEqual({
        pciAddress: WHOLE,
        numVfs: 0,
        vfDriver: 'vfio-pci',
        up: false,
        vfs: [],
      });
      expect((await h.call('GET', `/v1/instances/${String(r.body.id)}`, h.admin)).body.state).toBe(
        'active',
      );
      expect(await wholeOf(h, 'node1')).toMatchObject({ state: 'allocated', portId: pf?.id });

      // Release: free, but not offered until the agent applied the release.
      expect((await h.call('DELETE', `/v1/instances/${String(r.body.id)}`, h.admin)).status).toBe(
        204,
      );
      expect(await wholeOf(h, 'node1')).toMatchObject({ state: 'free', dirty: true, portId: null });
      expect((await h.call('POST', '/v1/instances', h.admin, vm('vm3', [pfPort]))).status).toBe(
        409,
      );
      await applyDesired(h, agent, 'node1');
      expect(await wholeOf(h, 'node1')).toMatchObject({ state: 'free', dirty: false });

      // A failed apply on the free PF quarantines it; the next good one frees it.
      await applyDesired(h, agent, 'node1', [WHOLE]);
      expect(await wholeOf(h, 'node1')).toMatchObject({ state: 'quarantined' });
      expect((await h.call('POST', '/v1/instances', h.admin, vm('vm4', [pfPort]))).status).toBe(
        409,
      );
      await applyDesired(h, agent, 'node1');
      const again = await h.call('POST', '/v1/instances', h.admin, vm('vm5', [pfPort]));
      expect(again.status).toBe(201);
    } finally {
      await h.close();
    }
  }, 60_000);

  it('never offers a PF whole while it has VFs, and refuses what a whole PF cannot take', async () => {
    const h = await startHarness(kind);
    try {
      await catalog(h);
      // The host still has 2 VFs on the PF its spec offers whole (as before the agent sets 0).
      const agent = await join(h, 'node2', 2);
      const detail = (await h.call('GET', '/v1/hosts/node2', h.admin)).body.pfs as {
        pciAddress: string;
        vfs: { physnet: string | null }[];
      }[];
      expect(detail.find((p) => p.pciAddress === WHOLE)?.vfs.map((v) => v.physnet)).toEqual([
        null,
        null,
      ]);
      const early = await h.call('POST', '/v1/instances', h.admin, vm('vm1', [pfPort]));
      expect(early.status).toBe(409);
      await report(h, agent, 'node2', 0);
      expect((await h.call('POST', '/v1/instances', h.admin, vm('vm1', [pfPort]))).status).toBe(
        201,
      );

      const bad = async (path: string, body: unknown) => {
        const r = await h.call('POST', path, h.admin, body);
        return [r.status, r.body.code, (r.body.details as Json | undefined)?.field];
      };
      for (const [field, value] of [
        ['mac', 'fa:16:3e:00:00:09'],
        ['trusted', true],
        ['maxTxRate', 100],
      ] as const) {
        expect(await bad('/v1/instances', vm('x', [{ ...pfPort, [field]: value }]))).toEqual([
          400,
          'INVALID_INPUT',
          `ports[0].${field}`,
        ]);
      }
      const spec = { name: 's2', pf: '0000:12:00.0', physnet: 'p1', wholePf: true };
      expect(await bad('/v1/specs', { ...spec, numVfs: 2 })).toEqual([
        400,
        'INVALID_INPUT',
        'numVfs',
      ]);
      expect(await bad('/v1/specs', { ...spec, trusted: true })).toEqual([
        400,
        'INVALID_INPUT',
        'trusted',
      ]);
      expect(await bad('/v1/specs', { ...spec, driver: 'igb' })).toEqual([
        400,
        'INVALID_INPUT',
        'driver',
      ]);
      expect(await bad('/v1/specs', { ...spec, wholePf: false })).toEqual([
        400,
        'INVALID_INPUT',
        'numVfs',
      ]);
      // A PF is offered whole or by VFs, never both.
      expect(
        await bad('/v1/specs', { name: 's3', pciAddress: '0000:11:*', physnet: 'p1', numVfs: 0 }),
      ).toEqual([409, 'CONFLICT', 'wholePf']);
    } finally {
      await h.close();
    }
  }, 60_000);
});
