import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostDetailView, VfView } from '../../api/answers.js';
import { startHarness } from '../../testing/controller-harness.js';
import type { Harness, Json } from '../../testing/controller-harness.js';
import { basicCatalog, joinHost, simInventory } from '../../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../../testing/store-targets.js';

afterAll(stopPgCluster);

/**
 * The host map's device details (issue 12): what the agent's scan says of a
 * PF's link and a VF's driver, IOMMU group and netdev reaches
 * GET /v1/hosts/{id}, and so do the holding port's spoof check and rates.
 */

type ScanPf = Json & { vfs: Json[] };

/** simInventory's one PF of two VFs, with the fields a current agent's scan adds (docs/scan-json.md). */
function currentScan(vf1: Json): { pfs: ScanPf[] } {
  const inv = simInventory({ name: 'h', pfs: 1, vfsPerPf: 2 }, 0x20) as { pfs: ScanPf[] };
  const pf = inv.pfs[0];
  if (pf === undefined) throw new Error('no PF');
  Object.assign(pf, { linkState: 'up', adminUp: true, speedMbps: 25000, mtu: 9000 });
  Object.assign(pf.vfs[0] ?? {}, { driver: 'vfio-pci', iommuGroup: 57, netdev: null, qos: 0 });
  Object.assign(pf.vfs[1] ?? {}, vf1);
  return inv;
}

const vfs = (d: HostDetailView): VfView[] => d.pfs.flatMap((p) => p.vfs);

describe.each(STORE_KINDS)('GET /v1/hosts/{id} device details on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
  }, 60_000);
  afterAll(() => h.close());

  const detail = async (host: string) => {
    const r = await h.call('GET', `/v1/hosts/${host}`, h.admin);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as unknown as HostDetailView;
  };

  it("keeps each PF's link and each VF's driver, IOMMU group and netdev as the latest report has them", async () => {
    const agent = await h.token('agent', { host: 'scanned' });
    const report = async (inventory: Json) => {
      const r = await h.call('POST', '/v1/agent/hosts/scanned/report', agent, { inventory });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    expect((await h.call('POST', '/v1/agent/register', agent, { host: 'scanned' })).status).toBe(
      200,
    );
    await report(currentScan({ driver: 'iavf', iommuGroup: 58, netdev: 'ens32v1' }));
    let d = await detail('scanned');
    expect(d.pfs[0]?.link).toEqual({ state: 'up', adminUp: true, speedMbps: 25000 });
    expect(vfs(d).map((v) => [v.pciAddress, v.driver, v.iommuGroup, v.netdev])).toEqual([
      ['0000:20:10.0', 'vfio-pci', 57, null],
      ['0000:20:10.1', 'iavf', 58, 'ens32v1'],
    ]);

    // The next scan: VF 1 rebound to vfio-pci (its netdev gone), the link down, set down.
    const next = currentScan({ driver: 'vfio-pci', iommuGroup: 58, netdev: null });
    Object.assign(next.pfs[0] ?? {}, { linkState: 'down', adminUp: false, speedMbps: null });
    await report(next);
    d = await detail('scanned');
    expect(d.pfs[0]?.link).toEqual({ state: 'down', adminUp: false, speedMbps: null });
    expect(vfs(d)[1]).toMatchObject({ driver: 'vfio-pci', iommuGroup: 58, netdev: null });
  });

  it('gives null for what an older agent does not report, and never a default', async () => {
    await joinHost(h, { name: 'older', pfs: 1, vfsPerPf: 2 });
    const d = await detail('older');
    expect(d.pfs[0]?.link).toEqual({ state: null, adminUp: null, speedMbps: null });
    expect(vfs(d)).toHaveLength(2);
    for (const v of vfs(d))
      expect(v).toMatchObject({ driver: null, iommuGroup: null, netdev: null });
  });

  it('refuses a link speed no sysfs file can hold, naming the field', async () => {
    const agent = await h.token('agent', { host: 'bad-speed' });
    await h.call('POST', '/v1/agent/register', agent, { host: 'bad-speed' });
    const inv = currentScan({});
    Object.assign(inv.pfs[0] ?? {}, { speedMbps: -1 });
    const r = await h.call('POST', '/v1/agent/hosts/bad-speed/report', agent, { inventory: inv });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('inventory.pfs[0].speedMbps');
  });

  it("shows the holding port's spoof check and TX rates on its VF, and null on a free one", async () => {
    await basicCatalog(h, 2);
    await joinHost(h, { name: 'held', pfs: 1, vfsPerPf: 2 }, 0x30);
    const tenant = await h.token('tenant', { tenant: 'acme' });
    const r = await h.call('POST', '/v1/instances', tenant, {
      name: 'vm1',
      vcpus: 1,
      memoryMb: 512,
      hostLabels: {},
      ports: [
        // Not trusted: spoof checking stays on (the API derives it).
        { network: 'blue', vnicType: 'direct', maxTxRate: 1000, minTxRate: 100 },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const pci = (r.body.ports as { pciAddress: string }[])[0]?.pciAddress;
    const before = vfs(await detail('held'));
    const held = before.find((v) => v.pciAddress === pci);
    const free = before.find((v) => v.pciAddress !== pci);
    expect(held).toMatchObject({
      instance: 'vm1',
      spoofchk: true,
      maxTxRate: 1000,
      minTxRate: 100,
    });
    expect(free).toMatchObject({ portId: null, spoofchk: null, maxTxRate: null, minTxRate: null });

    // Released: no port holds it, so no port settings are shown.
    expect((await h.call('DELETE', `/v1/instances/${String(r.body.id)}`, tenant)).status).toBe(204);
    const after = vfs(await detail('held')).find((v) => v.pciAddress === pci);
    expect(after).toMatchObject({ portId: null, spoofchk: null, maxTxRate: null, minTxRate: null });
  });
});
