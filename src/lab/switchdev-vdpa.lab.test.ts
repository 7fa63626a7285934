import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostInventory } from '../core/inventory.js';
import { guestOk, newLab, writeGuestFile } from '../testing/lab-kit.js';

// Switchdev and vDPA on a real kernel: the kernel's own simulators, netdevsim
// (a devlink device with VFs that are not PCI functions, an eswitch and
// representors) and vdpa_sim_net (a vDPA management device), built by the lab
// for Debian's 6.12 kernel (`--kernel vdpa`: the stock 6.1 has no vDPA core). Every state is made by the kernel's own tools
// and read back through `vfleet host scan`.
const lab = newLab();
const NAME = `sw${process.pid}`;
const DEV = 'netdevsim/netdevsim10';
const SYS = '/sys/bus/netdevsim/devices/netdevsim10';

const ok = (script: string) => guestOk(lab, NAME, script);
const scan = async () => JSON.parse(await ok('vfleet host scan -o json')) as HostInventory;
const nsim = async () => {
  const inv = await scan();
  const pf = inv.nonPciPfs.find((p) => p.device === DEV);
  if (pf === undefined) throw new Error(`scan has no ${DEV}: ${JSON.stringify(inv.nonPciPfs)}`);
  return { inv, pf };
};

describe('switchdev and vDPA on a real kernel (lab, simulators)', () => {
  let uplink = '';
  beforeAll(async () => {
    await lab.build('vdpa');
    await lab.up({ name: NAME, pfs: 1, kernel: 'vdpa' });
    await ok(`modprobe netdevsim && echo "10 1" > /sys/bus/netdevsim/new_device`);
    uplink = (await ok(`ls ${SYS}/net/`)).trim();
  });
  afterAll(async () => {
    await lab.down(NAME).catch(() => undefined);
  });

  it('scans a PF whose VFs are not PCI functions, beside the igb PF, without confusing the two', async () => {
    await ok(`echo 2 > ${SYS}/sriov_numvfs`);
    await ok(`ip link set ${uplink} vf 1 mac 02:00:00:00:00:21 vlan 7 qos 1 trust on`);
    const { inv, pf } = await nsim();
    expect(inv.pfs.map((p) => p.driver)).toEqual(['igb']);
    expect(inv.pfs[0]?.eswitchMode).toBeNull();
    expect(inv.vdpa).toEqual({ mgmtdevs: [], devices: [] });
    expect(pf).toMatchObject({
      ifname: uplink,
      driver: 'netdevsim',
      numVfs: 2,
      eswitchMode: 'legacy',
    });
    expect(pf.vfs.map((v) => [v.index, v.mac, v.vlan, v.qos, v.trust, v.representor])).toEqual([
      [0, '00:00:00:00:00:00', 0, 0, false, null],
      [1, '02:00:00:00:00:21', 7, 1, true, null],
    ]);
  });

  it('reports switchdev with a representor per VF, and hw-tc-offload as ethtool sets it', async () => {
    await ok(`devlink dev eswitch set ${DEV} mode switchdev`);
    const reps = (
      await ok(
        `for n in /sys/class/net/*; do [ "$(cat $n/phys_port_name 2>/dev/null)" = pf0vf0 ] && basename $n; done; true`,
      )
    ).trim();
    await ok(`ethtool -K ${uplink} hw-tc-offload on`);
    let { pf } = await nsim();
    expect(pf.eswitchMode).toBe('switchdev');
    expect(pf.hwTcOffload).toBe(true);
    expect(pf.vfs[0]?.representor).toBe(reps);
    expect(pf.vfs.every((v) => v.representor !== null)).toBe(true);

    await ok(`devlink dev eswitch set ${DEV} mode legacy`);
    ({ pf } = await nsim());
    expect(pf.eswitchMode).toBe('legacy');
    expect(pf.vfs.map((v) => v.representor)).toEqual([null, null]);
    expect(pf.hwTcOffload).toBeNull();
  });

  it('makes a vDPA device with apply, moves it from virtio_vdpa to vhost_vdpa, and scans it with its char device', async () => {
    // virtio_vdpa loaded and vhost_vdpa not: the new device lands on virtio_vdpa
    // first (a host netdev), as on a host with both, and apply must move it.
    await ok('modprobe vdpa_sim_net && modprobe virtio_vdpa');
    await writeGuestFile(
      lab,
      NAME,
      '/tmp/vdpa.yaml',
      'pfs: []\nvdpa:\n  - name: vdpa0\n    mgmtdev: vdpasim_net\n    mac: "02:00:00:00:01:01"\n',
    );
    const report = JSON.parse(await ok('vfleet host apply -f /tmp/vdpa.yaml -o json')) as {
      converged: boolean;
      steps: { target: string; status: string }[];
    };
    expect(report.converged).toBe(true);
    expect(report.steps.map((st) => [st.target, st.status])).toEqual([['vdpa', 'ok']]);
    await ok('test -c /dev/vhost-vdpa-0');
    expect((await ok('readlink /sys/bus/vdpa/devices/vdpa0/driver')).trim()).toMatch(/vhost_vdpa$/);
    const { vdpa } = await scan();
    expect(vdpa.mgmtdevs).toMatchObject([
      { name: 'vdpasim_net', pciAddress: null, classes: ['net'] },
    ]);
    expect(vdpa.devices).toMatchObject([
      {
        name: 'vdpa0',
        mgmtdev: 'vdpasim_net',
        type: 'network',
        mac: '02:00:00:00:01:01',
        driver: 'vhost_vdpa',
        charDev: '/dev/vhost-vdpa-0',
        pf: null,
      },
    ]);
    // Converged: a second apply changes nothing.
    const again = JSON.parse(await ok('vfleet host plan -f /tmp/vdpa.yaml -o json')) as {
      changes: number;
    };
    expect(again.changes).toBe(0);
  });
});
