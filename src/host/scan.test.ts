import { afterEach, describe, expect, it } from 'vitest';
import { fixtureFromLabCapture } from '../testing/fixture-from-capture.js';
import type { FixtureHost } from '../testing/fixture-host.js';
import { buildFixtureHost } from '../testing/fixture-host.js';
import { scanHost } from './scan.js';

let host: FixtureHost | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

describe('scanHost on the real-kernel lab capture', () => {
  it('reports both igb PFs with the values the kernel printed', async () => {
    host = await fixtureFromLabCapture();
    const inv = await scanHost(host);
    expect(inv.warnings).toEqual([]);
    expect(inv.pfs.map((p) => [p.pciAddress, p.ifname, p.driver, p.totalVfs, p.numVfs])).toEqual([
      ['0000:01:00.0', 'eth0', 'igb', 7, 4],
      ['0000:81:00.0', 'eth1', 'igb', 7, 4],
    ]);
    const [pf0, pf1] = inv.pfs;
    expect(pf0).toMatchObject({
      vendorId: '8086',
      deviceId: '10c9',
      vfDeviceId: '10ca',
      vfOffset: 128,
      vfStride: 2,
      numaNode: null, // the kernel said -1
      localCpus: '0-1',
      localCpuList: [0, 1],
      iommuGroup: 6,
      mac: '52:54:00:12:34:56',
      linkState: 'up',
      adminUp: true,
      speedMbps: 1000,
      mtu: 1500,
      master: null,
    });
    expect(pf1).toMatchObject({ numaNode: 1, localCpus: '1', localCpuList: [1], iommuGroup: 8 });
    expect(inv.otherNics).toEqual([]);
  });

  it('reports each VF of eth0 exactly as configured in the capture', async () => {
    host = await fixtureFromLabCapture();
    const vfs = (await scanHost(host)).pfs[0]?.vfs ?? [];
    expect(
      vfs.map((v) => [v.index, v.pciAddress, v.driver, v.driverKind, v.netdev, v.iommuGroup]),
    ).toEqual([
      [0, '0000:01:10.0', 'igbvf', 'kernel', 'eth2', 9],
      [1, '0000:01:10.2', 'igbvf', 'kernel', 'eth3', 10],
      [2, '0000:01:10.4', 'igbvf', 'kernel', 'eth4', 11],
      [3, '0000:01:10.6', 'vfio-pci', 'vfio', null, 12],
    ]);
    const attrs = vfs.map((v) => [
      v.mac,
      v.vlan,
      v.qos,
      v.vlanProto,
      v.spoofchk,
      v.trust,
      v.linkState,
      v.minTxRate,
      v.maxTxRate,
    ]);
    expect(attrs).toEqual([
      ['fa:16:3e:5a:84:c7', 0, 0, '802.1Q', true, false, 'auto', 0, 0],
      ['fa:16:3e:00:00:01', 2401, 3, '802.1Q', true, false, 'auto', 0, 0],
      ['00:00:00:00:00:00', 0, 0, '802.1Q', false, true, 'auto', 0, 0],
      ['00:00:00:00:00:00', 0, 0, '802.1Q', true, false, 'auto', 0, 100],
    ]);
    expect(vfs[3]?.driverOverride).toBe('vfio-pci');
    expect(vfs.map((v) => [v.netdevMac, v.netdevUp])).toEqual([
      ['c6:e6:73:a5:e7:27', false],
      ['9a:5f:7c:3a:38:71', false],
      ['52:44:a2:7e:a8:ea', false],
      [null, null],
    ]);
    expect(vfs[0]?.driverOverride).toBeNull();
  });

  it('places the expander PF VFs on NUMA node 1', async () => {
    host = await fixtureFromLabCapture();
    const pf1 = (await scanHost(host)).pfs[1];
    expect(pf1?.vfs.map((v) => [v.pciAddress, v.netdev, v.numaNode, v.iommuGroup])).toEqual([
      ['0000:81:10.0', 'eth6', 1, 13],
      ['0000:81:10.2', 'eth7', 1, 14],
      ['0000:81:10.4', 'eth8', 1, 15],
      ['0000:81:10.6', 'eth9', 1, 16],
    ]);
  });
});

describe('scanHost on built fixtures', () => {
  it('reads an ixgbe-like PF with 63 VFs, addresses from virtfn links', async () => {
    host = await buildFixtureHost({
      pfs: [
        {
          pciAddress: '0000:3b:00.0',
          deviceId: '10fb',
          vfDeviceId: '10ed',
          driver: 'ixgbe',
          vfDriver: 'ixgbevf',
          totalVfs: 63,
          vfs: 63,
          offset: 128,
          stride: 2,
          numaNode: 0,
          localCpus: '0-15',
        },
      ],
      pciIds:
        '8086  Intel Corporation\n\t10fb  82599ES 10-Gigabit SFI/SFP+ Network Connection\n\t10ed  82599 Ethernet Controller Virtual Function\n',
    });
    const inv = await scanHost(host);
    const pf = inv.pfs[0];
    expect(pf?.vendorName).toBe('Intel Corporation');
    expect(pf?.deviceName).toBe('82599ES 10-Gigabit SFI/SFP+ Network Connection');
    expect(pf?.vfs).toHaveLength(63);
    expect(pf?.vfs[62]?.pciAddress).toBe('0000:3b:1f.4'); // 0x3b00 + 128 + 62 * 2 = 0x3bfc
    expect(
      pf?.vfs.every(
        (v) => v.driver === 'ixgbevf' && v.driverKind === 'kernel' && v.netdev !== null,
      ),
    ).toBe(true);
    expect(pf?.localCpuList).toHaveLength(16);
  });

  it('reads 2 x 128 VFs and keeps each VF under its own PF', async () => {
    host = await buildFixtureHost({
      pfs: [
        {
          pciAddress: '0000:81:00.0',
          driver: 'i40e',
          vfDriver: 'iavf',
          totalVfs: 128,
          vfs: 128,
          offset: 16,
          stride: 1,
        },
        {
          pciAddress: '0000:81:00.1',
          driver: 'i40e',
          vfDriver: 'iavf',
          totalVfs: 128,
          vfs: 128,
          offset: 255,
          stride: 1,
        },
      ],
    });
    const inv = await scanHost(host);
    expect(inv.pfs.map((p) => p.vfs.length)).toEqual([128, 128]);
    const all = inv.pfs.flatMap((p) => p.vfs.map((v) => v.pciAddress));
    expect(new Set(all).size).toBe(256);
    expect(inv.pfs[1]?.vfs[0]?.pciAddress).toBe('0000:82:00.0');
  });

  it('reports a VF on vfio-pci with no netdev, and a VF with no driver', async () => {
    host = await buildFixtureHost({
      pfs: [{ pciAddress: '0000:01:00.0', vfs: [{ driver: 'vfio-pci' }, { driver: null }, {}] }],
    });
    const vfs = (await scanHost(host)).pfs[0]?.vfs ?? [];
    expect(vfs.map((v) => [v.driver, v.driverKind, v.netdev])).toEqual([
      ['vfio-pci', 'vfio', null],
      [null, 'none', null],
      ['igbvf', 'kernel', 'eth0'],
    ]);
  });

  it('computes VF addresses from offset and stride when virtfn links are missing', async () => {
    host = await buildFixtureHost({
      pfs: [{ pciAddress: '0000:05:00.1', vfs: 2, offset: 384, stride: 4, virtfnLinks: false }],
    });
    const vfs = (await scanHost(host)).pfs[0]?.vfs ?? [];
    expect(vfs.map((v) => v.pciAddress)).toEqual(['0000:06:10.1', '0000:06:10.5']); // 0x0501 + 384 = 0x0681
  });

  it('lists non-SR-IOV NICs briefly and skips non-network functions', async () => {
    host = await buildFixtureHost({
      pfs: [],
      otherNics: [{ pciAddress: '0000:00:03.0', ifname: 'enp0s3' }],
    });
    await host.files.file('/sys/bus/pci/devices/0000:00:1f.2/class', '0x010601\n');
    const inv = await scanHost(host);
    expect(inv.pfs).toEqual([]);
    expect(inv.otherNics.map((n) => [n.pciAddress, n.ifname, n.driver])).toEqual([
      ['0000:00:03.0', 'enp0s3', 'virtio-pci'],
    ]);
  });

  it('reports numa_node -1 as null and a down PF without speed', async () => {
    host = await buildFixtureHost({
      pfs: [{ pciAddress: '0000:01:00.0', numaNode: -1, up: false }],
    });
    const pf = (await scanHost(host)).pfs[0];
    expect(pf).toMatchObject({
      numaNode: null,
      adminUp: false,
      linkState: 'down',
      speedMbps: null,
    });
  });
});

describe('scanHost on broken hosts', () => {
  it('turns a malformed attribute into a warning naming the file, not a crash', async () => {
    host = await buildFixtureHost({ pfs: [{ pciAddress: '0000:01:00.0', vfs: 1 }] });
    await host.files.file('/sys/bus/pci/devices/0000:01:00.0/sriov_totalvfs', 'garbage\n');
    await host.files.file('/sys/bus/pci/devices/0000:01:00.0/numa_node', 'x\n');
    const inv = await scanHost(host);
    expect(inv.pfs[0]?.totalVfs).toBe(0);
    expect([...inv.warnings].sort()).toEqual([
      '/sys/bus/pci/devices/0000:01:00.0/numa_node: "x" is not a number',
      '/sys/bus/pci/devices/0000:01:00.0/sriov_totalvfs: "garbage" is not a number',
    ]);
  });

  it('fails clearly when the host root has no sysfs', async () => {
    host = await buildFixtureHost({ pfs: [] });
    await host.files.remove('/sys/bus/pci');
    await expect(scanHost(host)).rejects.toMatchObject({
      code: 'HOST_READ_FAILED',
      message: expect.stringContaining('/sys/bus/pci/devices') as string,
    });
  });

  it('fails clearly when ip prints garbage', async () => {
    host = await buildFixtureHost({ pfs: [] });
    const state = await host.ipState();
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(host?.ipStatePath ?? '', JSON.stringify({ ...state, links: 'nope' })),
    );
    await expect(scanHost(host)).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
  });
});
