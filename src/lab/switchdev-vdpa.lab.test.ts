import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecRunner } from '../adapters/exec/exec-runner.js';
import { validateLibvirtXml } from '../adapters/virsh/virt-xml-validate.js';
import type { HostInventory } from '../core/inventory.js';
import type { ClaimedVf } from '../core/libvirt/domain-request.js';
import { renderDomainXml } from '../core/libvirt/render-domain.js';
import { guestOk, guestSh, newLab, writeGuestFile } from '../testing/lab-kit.js';
import {
  NESTED_BASE_XML,
  NESTED_INITRD,
  NESTED_SERIAL,
  until,
} from '../testing/libvirt-lab-fleet.js';
import { NESTED_INITRD_COMMAND, NESTED_PREFIX } from './guest/guest-files.js';

// Switchdev and vDPA on a real kernel: the kernel's own simulators, netdevsim
// (a devlink device with VFs that are not PCI functions, an eswitch and
// representors) and vdpa_sim_net (a vDPA management device), built by the lab
// for Debian's 6.12 kernel (`--kernel vdpa`: the stock 6.1 has no vDPA core). Every state is made by the kernel's own tools
// and read back through `vfleet host scan`. The guest runs libvirt too, so a
// domain with the interface vfleet renders for a vdpa port starts on the
// simulator's /dev/vhost-vdpa-N.
const lab = newLab();
const NAME = `sw${process.pid}`;
const DEV = 'netdevsim/netdevsim10';
const SYS = '/sys/bus/netdevsim/devices/netdevsim10';

const ok = (script: string) => guestOk(lab, NAME, script);
// virsh in the guest warns that it has no locale; C has none to miss.
const virsh = (args: string) => ok(`LC_ALL=C virsh ${args}`);
const VDPA_MAC = '02:00:00:00:01:01';
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
    await lab.up({ name: NAME, pfs: 1, kernel: 'vdpa', libvirt: true, memory: 1536 });
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

  it('configures a netdevsim PF through host apply (device selector): VFs, switchdev, offload, VF settings', async () => {
    const dev11 = 'netdevsim/netdevsim11';
    const sys11 = '/sys/bus/netdevsim/devices/netdevsim11';
    await ok('echo "11 1" > /sys/bus/netdevsim/new_device');
    const file = (name: string, yaml: string) => writeGuestFile(lab, NAME, `/tmp/${name}`, yaml);
    const plan = (name: string) =>
      guestSh(lab, NAME, `vfleet host plan -f /tmp/${name} --exit-code`);
    const pf11 = async () => {
      const pf = (await scan()).nonPciPfs.find((p) => p.device === dev11);
      if (pf === undefined) throw new Error(`scan has no ${dev11}`);
      return pf;
    };
    await file(
      'nsim.yaml',
      `pfs:
  - device: ${dev11}
    numVfs: 3
    eswitchMode: switchdev
    hwTcOffload: true
    vfs:
      - index: 0
        mac: "02:00:00:00:0a:01"
        vlan: 100
        qos: 2
      - range: 1-2
        spoofchk: true
        trust: true
        state: disable
`,
    );
    expect((await plan('nsim.yaml')).exitCode).toBe(1);
    const report = JSON.parse(await ok('vfleet host apply -f /tmp/nsim.yaml -o json')) as {
      converged: boolean;
      steps: { pf: string; target: string; status: string }[];
    };
    expect(report.converged).toBe(true);
    expect(report.steps.every((st) => st.status === 'ok' && st.pf === dev11)).toBe(true);
    expect(report.steps.map((st) => st.target)).toEqual(
      expect.arrayContaining(['numVfs', 'eswitch', 'hwTcOffload']),
    );
    expect((await plan('nsim.yaml')).exitCode).toBe(0);
    // Read back from the kernel: sysfs, and the scan (ip, devlink, ethtool).
    expect((await ok(`cat ${sys11}/sriov_numvfs`)).trim()).toBe('3');
    let pf = await pf11();
    expect([pf.numVfs, pf.eswitchMode, pf.hwTcOffload]).toEqual([3, 'switchdev', true]);
    expect(pf.vfs.map((v) => [v.mac, v.vlan, v.qos, v.spoofchk, v.trust, v.linkState])).toEqual([
      ['02:00:00:00:0a:01', 100, 2, false, false, 'auto'],
      ['00:00:00:00:00:00', 0, 0, true, true, 'disable'],
      ['00:00:00:00:00:00', 0, 0, true, true, 'disable'],
    ]);
    expect(pf.vfs.every((v) => v.representor !== null)).toBe(true);

    // A count change passes through 0, where netdevsim falls back to legacy:
    // apply sets switchdev again, and the VF settings survive.
    await file('nsim-2.yaml', `pfs:\n  - device: ${dev11}\n    numVfs: 2\n`);
    expect((await guestSh(lab, NAME, 'vfleet host apply -f /tmp/nsim-2.yaml')).exitCode).toBe(0);
    pf = await pf11();
    expect([pf.numVfs, pf.eswitchMode, pf.vfs[0]?.vlan]).toEqual([2, 'switchdev', 100]);
    expect(pf.vfs.map((v) => v.representor === null)).toEqual([false, false]);

    // Off PCI there is no VF driver to choose: refused, naming the field, nothing changed.
    await file(
      'nsim-bad.yaml',
      `pfs:\n  - device: ${dev11}\n    numVfs: 2\n    vfDriver: vfio-pci\n`,
    );
    const bad = await guestSh(lab, NAME, 'vfleet host apply -f /tmp/nsim-bad.yaml');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('pfs[0].vfDriver');
    expect((await pf11()).numVfs).toBe(2);
  });

  it('makes a vDPA device with apply, moves it from virtio_vdpa to vhost_vdpa, and scans it with its char device', async () => {
    // virtio_vdpa loaded and vhost_vdpa not: the new device lands on virtio_vdpa
    // first (a host netdev), as on a host with both, and apply must move it.
    await ok('modprobe vdpa_sim_net && modprobe virtio_vdpa');
    await writeGuestFile(
      lab,
      NAME,
      '/tmp/vdpa.yaml',
      `pfs: []\nvdpa:\n  - name: vdpa0\n    mgmtdev: vdpasim_net\n    mac: "${VDPA_MAC}"\n`,
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
        mac: VDPA_MAC,
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
  it('starts a libvirt domain on the vDPA device with the interface vfleet renders, and its guest sees the NIC', async () => {
    const { vdpa } = await scan();
    const charDev = vdpa.devices.find((d) => d.name === 'vdpa0')?.charDev ?? null;
    expect(charDev).toBe('/dev/vhost-vdpa-0');
    // The simulator's device sits on no VF, so every VF fact is unknown: a
    // vdpa port's element needs only the char device (and the fleet places
    // such ports only on VFs; the lab's igb VFs have no vDPA management device).
    const vf: ClaimedVf = {
      pciAddress: null,
      pfIfname: null,
      vfIndex: null,
      netdev: null,
      driverKind: 'none',
      vdpaDevice: charDev,
      iommuGroup: null,
      numaNode: null,
    };
    const { xml } = renderDomainXml({
      name: 'vdpa-vm',
      vcpus: 1,
      memoryMb: 160,
      numaPolicy: 'preferred',
      ports: [{ id: 'p0', vnicType: 'vdpa', mac: VDPA_MAC, vlan: 0, vf }],
      base: { kind: 'xml', xml: NESTED_BASE_XML },
      hostNuma: [],
    });
    expect(xml).toContain('<interface type="vdpa">');
    const runner = createExecRunner({ path: process.env.PATH, env: process.env });
    const check = await validateLibvirtXml(runner, xml, 'domain');
    expect(check.valid, check.output).toBe(true);

    await ok(`${NESTED_INITRD_COMMAND} ${NESTED_INITRD} && rm -f ${NESTED_SERIAL}`);
    await writeGuestFile(lab, NAME, '/tmp/vdpa-vm.xml', xml);
    await virsh('define /tmp/vdpa-vm.xml');
    await virsh('start vdpa-vm');
    expect((await virsh('domstate vdpa-vm')).trim()).toBe('running');
    // libvirt opened the char device and handed it to QEMU.
    const pid = (await ok('cat /run/libvirt/qemu/vdpa-vm.pid')).trim();
    expect(await ok(`ls -l /proc/${pid}/fd/`)).toContain('/dev/vhost-vdpa-0');
    expect(await virsh('domiflist vdpa-vm')).toMatch(new RegExp(`vdpa .*${VDPA_MAC}`));
    // The nested guest's kernel finds a virtio NIC with the device's MAC.
    const nic = `0x1af4:0x1041 virtio_net ${VDPA_MAC}`;
    await until('the nested guest to report its vDPA NIC', 540_000, async () =>
      (await ok(`cat ${NESTED_SERIAL} 2>/dev/null || true`))
        .split('\n')
        .some((l) => l.startsWith(NESTED_PREFIX) && l.includes(nic))
        ? true
        : null,
    );
    await virsh('destroy vdpa-vm');
    await virsh('undefine vdpa-vm');
  });
});
