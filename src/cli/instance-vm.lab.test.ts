import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUEST_LAB_IMAGE, NESTED_INITRD_COMMAND, NESTED_PREFIX } from '../lab/guest/guest-files.js';
import { spawnVfleet, vfleetBin, type VfleetProcess } from '../testing/built-cli.js';
import { buildFixtureHost, type FixtureHost } from '../testing/fixture-host.js';
import { guestOk, newLab } from '../testing/lab-kit.js';

// Issue 15: `vfleet instance boot` and `delete` against real libvirt and QEMU
// with real VFs. `vfleet up --lab --lab-libvirt` boots a lab guest running
// this machine's libvirtd; its agent finds libvirt (no KVM there: emulated
// domains) and defines the domain the controller rendered. One nested guest
// carries the three port kinds the lab offers: a VF passed through (direct),
// a virtio NIC on a VF's netdev (macvtap) and a whole PF (direct-physical).
// Each is checked from inside the nested guest (the NICs it reports on its
// serial console) and from the lab guest's kernel (drivers, MAC, VLAN), and
// again after the delete (domain gone, every VF reset, drivers back).
const NAME = `iv${process.pid}`;
const HOST = `lab-${NAME}`;
const SERIAL = '/tmp/nested-serial.log';
const lab = newLab();
let dir = '';
let local: FixtureHost | undefined;
let up: VfleetProcess | undefined;
let env: Record<string, string> = {};

/** The built CLI, as a user runs it; rejects with its output when it fails. */
function vfleet(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [vfleetBin, ...args],
      { env: { ...process.env, ...env }, timeout: 600_000 },
      (e, stdout, stderr) => {
        if (e === null) resolve(stdout);
        else reject(new Error(`vfleet ${args.join(' ')}: ${e.message}\n${stdout}${stderr}`));
      },
    );
  });
}

const ok = (script: string) => guestOk(lab, NAME, script);
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
  ports: PortRow[];
  vm: { state: string; domain: string; hypervisor: string | null };
}

/** A trusted token's own domain: the lab's kernel booted directly, the serial console to a file. */
const BASE_XML = `<domain type='qemu'>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>${GUEST_LAB_IMAGE}/vmlinuz</kernel>
    <initrd>/tmp/nested.img</initrd>
    <cmdline>console=ttyS0 quiet panic=-1 mitigations=off</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <cpu mode='maximum'/>
  <devices>
    <serial type='file'><source path='${SERIAL}'/></serial>
  </devices>
</domain>
`;

describe('instance boot and delete on a lab host with libvirt (real domains, real VFs)', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vfleet-instance-vm-'));
    local = await buildFixtureHost({ hostname: 'iv-local', pfs: [] });
    await writeFile(join(dir, 'base.xml'), BASE_XML);
  });
  afterAll(async () => {
    await up?.stop('SIGKILL');
    await lab.down(NAME).catch(() => undefined);
    await local?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('boots a nested guest that sees each port as declared, and delete resets every device', async () => {
    up = spawnVfleet(
      [
        'up',
        '--lab',
        '--lab-libvirt',
        '--lab-name',
        NAME,
        '--lab-pfs',
        '3',
        '--listen',
        '127.0.0.1:0',
        '--data-dir',
        join(dir, 'data'),
        '--host-root',
        local?.root ?? '',
      ],
      { VFLEET_URL: '', VFLEET_TOKEN: '', VFLEET_DATA_DIR: '' },
    );
    const url = (await up.waitFor(/controller: (http:\/\/127\.0\.0\.1:\d+)/, 120_000))[1] ?? '';
    await up.waitFor(new RegExp(`agent: lab host ${HOST} joined with 3 PF\\(s\\)`), 900_000);
    const admin = (await readFile(join(dir, 'data', 'admin-token'), 'utf8')).trim();
    env = { VFLEET_URL: url, VFLEET_TOKEN: admin, VFLEET_DATA_DIR: '' };

    // The host says how it runs domains: libvirt, emulated (no KVM in the lab guest).
    const hostView = JSON.parse(await vfleet('hosts', 'show', HOST, '-o', 'json')) as {
      hypervisor: { kind: string; virtType: string | null } | null;
    };
    expect(hostView.hypervisor).toMatchObject({ kind: 'virsh', virtType: 'qemu' });

    await vfleet('physnet', 'create', 'p1', '--vlan-range', '100-199');
    const spec = (name: string, ...more: string[]) =>
      vfleet('spec', 'create', name, '--physnet', 'p1', '--wait', ...more);
    await spec('vfio', '--driver', 'igb', '--pci-address', '0000:01:*', '--num-vfs', '2');
    await spec(
      'kernel',
      '--driver',
      'igb',
      '--pci-address',
      '0000:02:*',
      '--num-vfs',
      '2',
      '--vf-driver',
      'kernel',
    );
    // A whole PF is bound to vfio-pci while a guest has it: selected by address, not driver.
    await spec('whole', '--vendor', '8086', '--pci-address', '0000:03:*', '--whole-pf');
    await vfleet('network', 'create', 'blue', '--physnet', 'p1', '--tenant', 'acme');
    const trusted = JSON.parse(
      await vfleet(
        'token',
        'create',
        'acme-ops',
        '--role',
        'tenant',
        '--tenant',
        'acme',
        '--domain-policy',
        'trusted',
        '-o',
        'json',
      ),
    ) as { token: string };

    await ok(`${NESTED_INITRD_COMMAND} /tmp/nested.img`);
    // The whole PF's own MAC, while the lab guest's igb still has it.
    const wholeMac = (await ok('cat /sys/bus/pci/devices/0000:03:00.0/net/*/address')).trim();
    // A trusted token: the domain XML boots the lab's kernel from a host path.
    const asTenant = { ...env, VFLEET_TOKEN: trusted.token };
    const started = Date.now();
    env = asTenant;
    const booted = JSON.parse(
      await vfleet(
        'instance',
        'boot',
        'nested',
        '--vcpus',
        '1',
        '--memory-mb',
        '160',
        '--port',
        'blue',
        '--port',
        'blue,vnic=macvtap',
        '--port',
        'blue,vnic=direct-physical',
        '--domain-xml',
        join(dir, 'base.xml'),
        '-o',
        'json',
      ),
    ) as InstanceJson;
    const runningAfter = Date.now() - started;
    expect(booted.vm).toMatchObject({ state: 'running', hypervisor: 'virsh' });
    const domain = booted.vm.domain;
    const port = (kind: string): PortRow => {
      const p = booted.ports.find((x) => x.vnicType === kind);
      if (p === undefined) throw new Error(`no ${kind} port in ${JSON.stringify(booted.ports)}`);
      return p;
    };
    const [direct, macvtap, whole] = [port('direct'), port('macvtap'), port('direct-physical')];

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
    const seen = await ok(
      `for i in $(seq 1 200); do [ "$(grep -c '${NESTED_PREFIX} nic' ${SERIAL} 2>/dev/null)" -ge 3 ] && break; sleep 2; done; grep '${NESTED_PREFIX} nic' ${SERIAL} | head -3`,
    );
    const bootedAfter = Date.now() - started;
    const nics = seen
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).slice(3, 6).join(' '))
      .sort();
    // igb's PF is 8086:10c9, its VF 8086:10ca; a virtio NIC is 1af4:1041.
    expect(nics).toEqual(
      [
        `0x8086:0x10ca igbvf ${direct.mac ?? ''}`,
        `0x1af4:0x1041 virtio_net ${macvtap.mac ?? ''}`,
        `0x8086:0x10c9 igb ${wholeMac}`,
      ].sort(),
    );
    process.stderr.write(
      `instance boot: running after ${String(runningAfter)} ms; the nested guest reported its NICs after ${String(bootedAfter)} ms\n`,
    );

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
    expect(await up.stop('SIGTERM', 120_000)).toBe(0);
  });
});
