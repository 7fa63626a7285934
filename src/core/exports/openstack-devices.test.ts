import { describe, expect, it } from 'vitest';
import type { ExportHost } from './export-fleet.js';
import { openstackDevices } from './openstack-devices.js';

const host = (ifname: string | null): ExportHost => ({
  name: 'h',
  pfs: [
    {
      pciAddress: '0000:81:00.0',
      ifname,
      vendorId: '8086',
      deviceId: '1521',
      vfDeviceId: '1520',
      driver: 'igb',
      numaNode: 0,
      totalVfs: 7,
      eswitchMode: null,
      whole: null,
      bandwidth: null,
      vfs: [
        { index: 0, pciAddress: '0000:81:10.0', owner: 'openstack', physnet: 'p1', trusted: false },
        { index: 1, pciAddress: '0000:81:10.1', owner: null, physnet: null, trusted: false },
      ],
    },
  ],
});

describe('openstackDevices', () => {
  it("offers OpenStack's VFs and excludes the PF's others, untagged ones included", () => {
    const [d] = openstackDevices(host('ens1'));
    expect(d?.physnet).toBe('p1');
    expect(d?.offered.map((v) => v.pciAddress)).toEqual(['0000:81:10.0']);
    expect(d?.excluded.map((v) => v.pciAddress)).toEqual(['0000:81:10.1']);
  });

  it('leaves out the VFs of a PF whose netdev Neutron cannot name, and says why', () => {
    for (const ifname of [null, 'en,s1']) {
      const [d] = openstackDevices(host(ifname));
      expect(d?.offered).toEqual([]);
      expect(d?.physnet).toBeNull();
      expect(d?.notes.join()).toMatch(/no netdev name Neutron's lists can hold/);
    }
  });
});
