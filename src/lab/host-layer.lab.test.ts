import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostInventory } from '../core/inventory.js';
import { guestOk, guestSh, newLab, writeGuestFile } from '../testing/lab-kit.js';

// The host layer on a real kernel: QEMU igb PFs (Intel 82576, 7 VFs each),
// stock igb/igbvf/vfio-pci drivers. Every expectation below is read back
// from the guest kernel itself, not from vfleet's own view.
const lab = newLab();
const ON = `h${process.pid}`;
const PF0 = '0000:01:00.0';
const PF1 = '0000:81:00.0';

const sh = (script: string, input?: string) => guestSh(lab, ON, script, input);
const ok = (script: string, input?: string) => guestOk(lab, ON, script, input);
const state = (file: string, yaml: string) => writeGuestFile(lab, ON, `/tmp/${file}`, yaml);

interface VfInfo {
  vf: number;
  address: string;
  vlan_list?: { vlan?: number; qos?: number }[];
  rate?: { max_tx: number; min_tx: number };
  spoofchk: boolean;
  trust: boolean;
  link_state: string;
}
const kernelVfs = async (ifname: string): Promise<VfInfo[]> =>
  (
    JSON.parse(await ok(`/usr/sbin/ip -j -d link show dev ${ifname}`)) as {
      vfinfo_list?: VfInfo[];
    }[]
  )[0]?.vfinfo_list ?? [];
const driverOf = async (addr: string) =>
  (await ok(`basename "$(readlink /sys/bus/pci/devices/${addr}/driver)" || true`)).trim();
const numVfs = async (pf: string) =>
  Number(await ok(`cat /sys/bus/pci/devices/${pf}/sriov_numvfs`));
const vfAddr = async (pf: string, i: number) =>
  (await ok(`basename "$(readlink /sys/bus/pci/devices/${pf}/virtfn${i})"`)).trim();
const scan = async () => JSON.parse(await ok('vfleet host scan -o json')) as HostInventory;

// One `ip` on PATH that logs every call, so "a second apply runs no command" is checked on the real system.
const IP_LOGGER = '#!/bin/sh\necho "$*" >> /tmp/ip.log\nexec /usr/sbin/ip "$@"\n';

const BASE = `pfs:
  - pciAddress: "${PF0}"
    numVfs: 4
    vfDriver: kernel
    vfs:
      - index: 0
        mac: "fa:16:3e:5a:84:c7"
      - index: 1
        mac: "fa:16:3e:00:00:01"
        vlan: 2401
        qos: 3
      - index: 2
        spoofchk: false
        trust: true
      - index: 3
        maxTxRate: 100
  - match: { vendor: "8086", device: "10c9", driver: igb, ifname: eth1 }
    numVfs: 2
    vfDriver: vfio-pci
`;

describe('host layer on a real kernel (lab)', () => {
  beforeAll(async () => {
    await lab.build();
    await lab.up({ name: ON, pfs: 2, numa: 2, iommu: 'on' });
    await writeGuestFile(lab, ON, '/tmp/bin/ip', IP_LOGGER);
    await ok('chmod +x /tmp/bin/ip');
  });
  afterAll(async () => {
    await lab.down(ON).catch(() => undefined);
  });

  it('doctor reports the IOMMU enabled, with the kernel evidence', async () => {
    const r = await sh('vfleet host doctor -o json');
    const report = JSON.parse(r.stdout) as {
      findings: { id: string; severity: string; evidence: string[] }[];
    };
    const iommu = report.findings.find((f) => f.id === 'iommu');
    expect(iommu?.severity).toBe('ok');
    expect(iommu?.evidence.join('\n')).toContain('DMAR: IOMMU enabled');
  });

  it('apply creates VFs on both PFs and sets every supported VF setting, read back from the kernel', async () => {
    await state('base.yaml', BASE);
    const r = await sh('vfleet host apply -f /tmp/base.yaml -o json');
    expect(r.stderr).not.toContain('error');
    expect(r.exitCode).toBe(0);
    expect([await numVfs(PF0), await numVfs(PF1)]).toEqual([4, 2]);
    const vfs = await kernelVfs('eth0');
    expect(
      vfs.map((v) => [
        v.address,
        v.vlan_list?.[0]?.vlan ?? 0,
        v.vlan_list?.[0]?.qos ?? 0,
        v.spoofchk,
        v.trust,
        v.rate?.max_tx,
      ]),
    ).toEqual([
      ['fa:16:3e:5a:84:c7', 0, 0, true, false, 0],
      ['fa:16:3e:00:00:01', 2401, 3, true, false, 0],
      ['00:00:00:00:00:00', 0, 0, false, true, 0],
      ['00:00:00:00:00:00', 0, 0, true, false, 100],
    ]);
    for (let i = 0; i < 4; i++) expect(await driverOf(await vfAddr(PF0, i))).toBe('igbvf');
    for (let i = 0; i < 2; i++) expect(await driverOf(await vfAddr(PF1, i))).toBe('vfio-pci');
  });

  it('scan equals what sysfs and ip -j say, NUMA node 1 and IOMMU groups included', async () => {
    const inv = await scan();
    for (const pf of inv.pfs) {
      const dir = `/sys/bus/pci/devices/${pf.pciAddress}`;
      const truth = (
        await ok(
          `cat ${dir}/numa_node ${dir}/local_cpulist ${dir}/sriov_totalvfs ${dir}/sriov_numvfs; basename "$(readlink ${dir}/iommu_group)"`,
        )
      )
        .trim()
        .split('\n');
      expect([pf.numaNode ?? -1, pf.localCpus, pf.totalVfs, pf.numVfs, pf.iommuGroup]).toEqual([
        Number(truth[0]),
        truth[1],
        Number(truth[2]),
        Number(truth[3]),
        Number(truth[4]),
      ]);
      const info = await kernelVfs(pf.ifname ?? '');
      for (const vf of pf.vfs) {
        const vdir = `/sys/bus/pci/devices/${vf.pciAddress}`;
        expect(vf.pciAddress).toBe(await vfAddr(pf.pciAddress, vf.index));
        expect(vf.driver).toBe(await driverOf(vf.pciAddress));
        expect(vf.iommuGroup).toBe(Number(await ok(`basename "$(readlink ${vdir}/iommu_group)"`)));
        expect(vf.netdev ?? '').toBe((await ok(`ls ${vdir}/net 2>/dev/null || true`)).trim());
        const k = info.find((i) => i.vf === vf.index);
        expect([
          vf.mac,
          vf.vlan,
          vf.qos,
          vf.spoofchk,
          vf.trust,
          vf.linkState,
          vf.maxTxRate,
        ]).toEqual([
          k?.address,
          k?.vlan_list?.[0]?.vlan ?? 0,
          k?.vlan_list?.[0]?.qos ?? 0,
          k?.spoofchk,
          k?.trust,
          k?.link_state,
          k?.rate?.max_tx,
        ]);
      }
    }
    expect(inv.pfs.map((p) => [p.pciAddress, p.numaNode])).toEqual([
      [PF0, null],
      [PF1, 1],
    ]);
    expect(inv.pfs[1]?.localCpus).toBe('1');
    expect(
      inv.pfs.every((p) => p.iommuGroup !== null && p.vfs.every((v) => v.iommuGroup !== null)),
    ).toBe(true);
  });

  it('a second apply runs no changing command at all', async () => {
    await ok(': > /tmp/ip.log');
    const r = await sh('PATH=/tmp/bin:$PATH vfleet host apply -f /tmp/base.yaml -o json');
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout) as { plan: { changes: number }; steps: unknown[] };
    expect([report.plan.changes, report.steps]).toEqual([0, []]);
    const calls = (await ok('cat /tmp/ip.log')).trim().split('\n');
    expect(calls.every((c) => c.startsWith('-j -d link show'))).toBe(true);
  });

  it('reports link state as unsupported on igb for that VF only, the rest still applied', async () => {
    await state(
      'state.yaml',
      BASE.replace('        maxTxRate: 100\n', '        maxTxRate: 200\n        state: disable\n'),
    );
    const r = await sh('vfleet host apply -f /tmp/state.yaml -o json');
    expect(r.exitCode).toBe(12);
    const report = JSON.parse(r.stdout) as {
      steps: { vf: number | null; target: string; status: string; detail: string | null }[];
    };
    const bad = report.steps.filter((s) => s.status !== 'ok');
    expect(bad.map((s) => [s.vf, s.target, s.status])).toEqual([[3, 'state', 'unsupported']]);
    expect(bad[0]?.detail).toContain('Operation not supported');
    expect((await kernelVfs('eth0'))[3]?.rate?.max_tx).toBe(200);
  });

  it('moves VFs from vfio-pci back to igbvf', async () => {
    await state('kernel.yaml', BASE.replace('vfDriver: vfio-pci', 'vfDriver: kernel'));
    expect((await sh('vfleet host apply -f /tmp/kernel.yaml')).exitCode).toBe(0);
    for (let i = 0; i < 2; i++) {
      const addr = await vfAddr(PF1, i);
      expect(await driverOf(addr)).toBe('igbvf');
      expect((await ok(`ls /sys/bus/pci/devices/${addr}/net`)).trim()).toMatch(/^eth\d+$/);
    }
  });

  it('refuses a VF count change while a VF is in use, changes nothing, and goes through with --force', async () => {
    await ok('vfleet host apply -f /tmp/base.yaml >/dev/null');
    const held = await vfAddr(PF1, 0);
    const group = (
      await ok(`basename "$(readlink /sys/bus/pci/devices/${held}/iommu_group)"`)
    ).trim();
    const holder = (await ok(`sleep 600 < /dev/vfio/${group} >/dev/null 2>&1 & echo $!`)).trim();
    await state('three.yaml', BASE.replace('numVfs: 2', 'numVfs: 3'));
    const refused = await sh('vfleet host apply -f /tmp/three.yaml');
    expect(refused.exitCode).toBe(7);
    expect(refused.stderr).toContain(held);
    expect(refused.stderr).toContain('UNSAFE_CHANGE');
    expect(await numVfs(PF1)).toBe(2);
    expect(await driverOf(held)).toBe('vfio-pci');
    await ok(`kill ${holder}`);

    // A VF netdev that is up is a host interface in use; --force takes it anyway.
    await ok('vfleet host apply -f /tmp/kernel.yaml >/dev/null');
    const vfNet = (await ok(`ls /sys/bus/pci/devices/${await vfAddr(PF1, 1)}/net`)).trim();
    await ok(`/usr/sbin/ip link set ${vfNet} up`);
    await state(
      'three-kernel.yaml',
      BASE.replace('numVfs: 2', 'numVfs: 3').replace('vfDriver: vfio-pci', 'vfDriver: kernel'),
    );
    const again = await sh('vfleet host apply -f /tmp/three-kernel.yaml');
    expect(again.exitCode).toBe(7);
    expect(again.stderr).toContain(`netdev ${vfNet} is up`);
    expect(await numVfs(PF1)).toBe(2);
    expect((await sh('vfleet host apply -f /tmp/three-kernel.yaml --force')).exitCode).toBe(0);
    expect(await numVfs(PF1)).toBe(3);
  });

  it('converges after an apply killed with SIGKILL part-way', async () => {
    await state(
      'seven.yaml',
      BASE.replace('numVfs: 4', 'numVfs: 7')
        .replace('vfDriver: vfio-pci', 'vfDriver: kernel')
        .replace('numVfs: 2', 'numVfs: 3'),
    );
    const killed = await ok(
      'vfleet host apply -f /tmp/seven.yaml >/dev/null 2>/tmp/progress & p=$!; ' +
        'i=0; while ! grep -q numVfs /tmp/progress && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; ' +
        'kill -9 $p; wait $p; echo "rc=$?"; cat /tmp/progress',
    );
    expect(killed).toContain('rc=137');
    const before = JSON.parse(await ok('vfleet host plan -f /tmp/seven.yaml -o json')) as {
      changes: number;
    };
    expect(before.changes).toBeGreaterThan(0);
    expect((await sh('vfleet host apply -f /tmp/seven.yaml')).exitCode).toBe(0);
    expect((await sh('vfleet host plan -f /tmp/seven.yaml --exit-code')).exitCode).toBe(0);
    expect((await kernelVfs('eth0')).map((v) => v.address).slice(0, 2)).toEqual([
      'fa:16:3e:5a:84:c7',
      'fa:16:3e:00:00:01',
    ]);
  });

  it('brings the declared state back after a reboot with host restore', async () => {
    await ok('vfleet host install-boot -f /tmp/base.yaml');
    expect(await ok('cat /etc/vfleet/host-state.yaml')).toContain(BASE);
    await lab.reboot(ON);
    expect([await numVfs(PF0), await numVfs(PF1)]).toEqual([0, 0]);
    const r = await sh('vfleet host restore');
    expect(r.exitCode).toBe(0);
    expect([await numVfs(PF0), await numVfs(PF1)]).toEqual([4, 2]);
    expect((await kernelVfs('eth0'))[1]?.vlan_list?.[0]).toEqual({ vlan: 2401, qos: 3 });
    expect(await driverOf(await vfAddr(PF1, 0))).toBe('vfio-pci');
  });
});
