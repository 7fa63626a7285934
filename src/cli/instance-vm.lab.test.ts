import { afterAll, describe, expect, it } from 'vitest';
import {
  bootNested,
  fleetSlot,
  nestedSays,
  prepareNested,
  ROUTER_SERIAL,
  until,
} from '../testing/libvirt-lab-fleet.js';

// Issue 15: `vfleet instance boot` and `delete` against real libvirt and QEMU
// with real VFs. `vfleet up --lab --lab-libvirt` boots a lab guest running
// this machine's libvirtd; its agent finds libvirt (no KVM there: emulated
// domains) and defines the domain the controller rendered. One nested guest
// carries every port kind the lab offers: a VF passed through (direct), a
// virtio NIC on a VF's netdev (macvtap), a whole PF (direct-physical) and
// QEMU's emulated SR-IOV NIC on a bridge (normal, model igb). Each is checked from inside the nested guest (the NICs it reports on its
// serial console) and from the lab guest's kernel (drivers, MAC, VLAN), and
// again after the delete (domain gone, every VF reset, drivers back).
// Beside it boots a router (issue 18: `--template router`) on two VF ports
// in two VLANs; it reads the cloud-init seed the agent hands it on a CD-ROM
// and routes a ping between two other VFs of the same PF (switched by the
// NIC), each in a network namespace of the lab guest.
const slot = fleetSlot();
const f = () => slot.current;
const vfleet = (...args: string[]) => f().ok(args);
const ok = (script: string) => f().on(f().hosts[0] ?? '', script);
const driverOf = async (pci: string) =>
  (await ok(`basename "$(readlink /sys/bus/pci/devices/${pci}/driver)"`)).trim();

interface IpVf {
  vf: number;
  address: string;
  vlan_list?: { vlan: number }[];
  spoofchk: boolean;
  trust: boolean;
  rate?: { max_tx: number; min_tx: number };
}
const vfsOf = async (pfNetdev: string): Promise<IpVf[]> => {
  const links = JSON.parse(await ok(`/usr/sbin/ip -j link show ${pfNetdev}`)) as {
    vfinfo_list?: IpVf[];
  }[];
  return links[0]?.vfinfo_list ?? [];
};
const vlanOf = (v: IpVf | undefined) => v?.vlan_list?.[0]?.vlan ?? 0;

interface PortRow {
  vnicType: string;
  mac: string | null;
  pciAddress: string | null;
  pf: string | null;
  vfIndex: number | null;
  vlan: number;
}
interface InstanceJson {
  id: string;
  ports: PortRow[];
  vm: { state: string; domain: string; hypervisor: string | null };
}

describe('instance boot and delete on a lab host with libvirt (real domains, real VFs)', () => {
  afterAll(slot.cleanup);

  it('boots a nested guest that sees each port as declared, and delete resets every device', async () => {
    const fleet = await slot.start({ name: `iv${String(process.pid)}`, hosts: 1, pfs: 3 });
    const HOST = fleet.hosts[0] ?? '';
    // The host says how it runs domains: libvirt, emulated (no KVM in the lab guest).
    const hostView = JSON.parse(await vfleet('hosts', 'show', HOST, '-o', 'json')) as {
      hypervisor: { kind: string; virtType: string | null } | null;
    };
    expect(hostView.hypervisor).toMatchObject({ kind: 'virsh', virtType: 'qemu' });

    const trusted = await prepareNested(fleet, [
      ['vfio', '--driver', 'igb', '--pci-address', '0000:01:*', '--num-vfs', '2'],
      [
        'kernel',
        '--driver',
        'igb',
        '--pci-address',
        '0000:02:*',
        '--vf-driver',
        'kernel',
        '--num-vfs',
        // One for the macvtap port, two for the router, two for the ping's ends.
        '5',
      ],
      // A whole PF is bound to vfio-pci while a guest has it: selected by address, not driver.
      ['whole', '--vendor', '8086', '--pci-address', '0000:03:*', '--whole-pf'],
    ]);
    // The whole PF's own MAC, while the lab guest's igb still has it.
    const wholeMac = (await ok('cat /sys/bus/pci/devices/0000:03:00.0/net/*/address')).trim();
    // A trusted token: the domain XML boots the lab's kernel from a host path. The
    // normal port (model igb, QEMU's emulated SR-IOV NIC) plugs into br0.
    const started = Date.now();
    const booted = (await bootNested(fleet, trusted, 'nested', [
      'blue',
      'blue,vnic=macvtap',
      'blue,vnic=direct-physical',
      'blue,vnic=normal,bridge=br0,model=igb',
    ])) as InstanceJson;
    const runningAfter = Date.now() - started;
    // The router: 1 vCPU and 160 MiB like the other (the template's 2048 MiB do not fit here).
    await vfleet('network', 'create', 'red', '--physnet', 'p1', '--tenant', 'acme');
    const router = JSON.parse(
      await f().ok(
        [
          'instance',
          'boot',
          'rt',
          '--template',
          'router',
          '--vcpus',
          '1',
          '--memory-mb',
          '160',
          '--port',
          'blue,vnic=macvtap,address=10.9.1.1/24',
          '--port',
          'red,vnic=macvtap,address=10.9.2.1/24',
          '--domain-xml',
          f().routerXml,
          '-o',
          'json',
        ],
        trusted,
      ),
    ) as InstanceJson;
    expect(booted.vm).toMatchObject({ state: 'running', hypervisor: 'virsh' });
    const domain = booted.vm.domain;
    const port = (kind: string): PortRow => {
      const p = booted.ports.find((x) => x.vnicType === kind);
      if (p === undefined) throw new Error(`no ${kind} port in ${JSON.stringify(booted.ports)}`);
      return p;
    };
    const [direct, macvtap, whole, emulated] = [
      port('direct'),
      port('macvtap'),
      port('direct-physical'),
      port('normal'),
    ];

    // libvirt runs it, and QEMU holds the VF and the whole PF through vfio.
    expect((await ok(`LC_ALL=C virsh domstate ${domain}`)).trim()).toBe('running');
    expect(await driverOf(direct.pciAddress ?? '')).toBe('vfio-pci');
    expect(await driverOf(whole.pciAddress ?? '')).toBe('vfio-pci');
    // The lab guest's kernel: each VF has its port's MAC and the network's VLAN (100).
    const pfNet = async (pf: string | null) =>
      (await ok(`ls /sys/bus/pci/devices/${pf ?? ''}/net`)).trim();
    const vfOf = async (p: PortRow) =>
      (await vfsOf(await pfNet(p.pf))).find((v) => v.vf === p.vfIndex);
    for (const p of [direct, macvtap]) {
      const vf = await vfOf(p);
      expect([vf?.address, vlanOf(vf)]).toEqual([p.mac, 100]);
    }

    // Inside the nested guest (two layers of emulation: about 100 s to boot here).
    const seen = await until('the nested guest to report its four NICs', 600_000, async () => {
      const r = await nestedSays(f(), HOST);
      return r.nics.length >= 4 ? r : null;
    });
    const bootedAfter = Date.now() - started;
    // Each NIC as `vendor:device driver MAC`, and `sriov N` for an SR-IOV PF.
    const nics = [...seen.nics.slice(0, 4)].sort();
    // igb's PF is 8086:10c9, its VF 8086:10ca; a virtio NIC is 1af4:1041. QEMU's
    // emulated igb offers 7 VFs; vfio hides the SR-IOV capability of the whole
    // PF it passes through, so the guest cannot make VFs on that one.
    expect(nics).toEqual(
      [
        `0x8086:0x10ca igbvf ${direct.mac ?? ''}`,
        `0x1af4:0x1041 virtio_net ${macvtap.mac ?? ''}`,
        `0x8086:0x10c9 igb ${wholeMac}`,
        `0x8086:0x10c9 igb ${emulated.mac ?? ''} sriov 7`,
      ].sort(),
    );
    process.stderr.write(
      `instance boot: running after ${String(runningAfter)} ms; the nested guest reported its NICs after ${String(bootedAfter)} ms\n`,
    );

    await routesAPing(router, macvtap);

    const deleted = await vfleet('instance', 'delete', 'nested', '--wait');
    expect(deleted).toContain('domain removed');
    // libvirt no longer has it, and the devices went back as declared, reset.
    expect((await ok('LC_ALL=C virsh list --all --name')).trim()).toBe('');
    expect(await driverOf(direct.pciAddress ?? '')).toBe('vfio-pci');
    expect(await driverOf(macvtap.pciAddress ?? '')).toBe('igbvf');
    expect(await driverOf(whole.pciAddress ?? '')).toBe('igb');
    for (const p of [direct, macvtap]) {
      const vf = await vfOf(p);
      expect(vf).toMatchObject({
        address: '00:00:00:00:00:00',
        spoofchk: true,
        trust: false,
        rate: { max_tx: 0, min_tx: 0 },
      });
      expect(vlanOf(vf)).toBe(0);
    }
    expect(await fleet.stop()).toBe(true);
    // Two nested guests boot side by side: each takes minutes under two layers of emulation.
  }, 900_000);
});

/**
 * The router read its seed (the agent's CD-ROM, in its seed folder) and
 * forwards: a ping from a namespace on a free VF in VLAN 100 to one in VLAN
 * 101 comes back with its TTL one lower. Then the router goes, with its seed.
 */
async function routesAPing(router: InstanceJson, other: PortRow): Promise<void> {
  const HOST = f().hosts[0] ?? '';
  const xml = await ok(`LC_ALL=C virsh dumpxml ${router.vm.domain}`);
  const iso = `/var/lib/vfleet/seeds/${router.vm.domain}.iso`;
  expect(xml).toContain(`<source file='${iso}' startupPolicy='requisite'`);
  const seen = await until('the router to apply its seed', 400_000, async () => {
    const r = await nestedSays(f(), HOST, 0, ROUTER_SERIAL);
    return r.addrs.length >= 2 ? r : null;
  }).catch(async (e: unknown) => {
    const console = await ok(`tail -n 30 ${ROUTER_SERIAL}`).catch(String);
    throw new Error(`${String(e)}\nthe router's console ends:\n${console}`);
  });
  const [blue, red] = router.ports;
  expect(seen.seeds).toEqual([`${router.id} rt`]);
  expect([...seen.addrs].sort()).toEqual([
    `p0-blue ${blue?.mac ?? ''} 10.9.1.1/24`,
    `p1-red ${red?.mac ?? ''} 10.9.2.1/24`,
  ]);
  // The ping's ends: two VFs no port holds, of the router's PF, in the routed VLANs.
  const used = new Set([other, ...router.ports].map((p) => p.vfIndex));
  const [a, b] = [0, 1, 2, 3, 4].filter((i) => !used.has(i));
  const pf = `/sys/bus/pci/devices/${blue?.pf ?? ''}`;
  await ok(`set -e
pf=$(ls ${pf}/net)
end() {
  ip netns add $1
  ip link set $pf vf $2 vlan $3
  dev=$(ls ${pf}/virtfn$2/net)
  ip link set $dev netns $1
  ip -n $1 link set $dev up
  ip -n $1 addr add $4 dev $dev
  ip -n $1 route add default via $5
}
end ra ${String(a)} 100 10.9.1.2/24 10.9.1.1
end rb ${String(b)} 101 10.9.2.2/24 10.9.2.1`);
  // The first echoes wait for ARP through two layers of emulation.
  const pong = await until('a ping through the router', 300_000, async () => {
    const out = await ok('ip netns exec ra ping -c 1 -W 10 10.9.2.2 2>&1 || true');
    return out.includes(' 0% packet loss') ? out : null;
  });
  expect(pong).toMatch(/from 10\.9\.2\.2: .*ttl=63/);
  process.stderr.write(`router: ${pong}\n`);
  await ok('ip netns del ra && ip netns del rb');
  await vfleet('instance', 'delete', 'rt', '--wait');
  expect((await ok(`ls /var/lib/vfleet/seeds/ 2>/dev/null || true`)).trim()).toBe('');
}
