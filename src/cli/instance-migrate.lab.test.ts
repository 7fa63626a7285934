import { afterAll, describe, expect, it } from 'vitest';
import {
  NESTED_INITRD as INITRD_PATH,
  bootNested,
  fleetSlot,
  nestedSays,
  prepareNested,
  until,
} from '../testing/libvirt-lab-fleet.js';

// Issue 15: `vfleet instance migrate` for real. `vfleet up --lab --lab-libvirt
// --lab-hosts 2` boots two lab guests with libvirtd, joined by a link that
// exists only between their two QEMUs (datagrams on this machine's loopback);
// each agent names its libvirtd on that link as its migration URI. A nested
// guest with a VF port and a virtio standby (failover) moves from one to the
// other: the VF is unplugged, the guest migrated, a VF with the same MAC and
// VLAN plugged on the target, the source VF released and reset. Then two
// failures injected into real migrations (the target's QEMU cannot start; the
// link cut mid-copy) must each leave the guest running where it was, with its
// VF back, and the target clean.
const slot = fleetSlot();
const f = () => slot.current;
const vfleet = (...args: string[]) => f().ok(args);
const vfleetRun = (...args: string[]) => f().run(args);
const on = (host: string, script: string) => f().on(host, script);
const virsh = (host: string, args: string) => f().virsh(host, args);
const otherHost = (host: string) => f().hosts.find((h) => h !== host) ?? host;

interface IpVf {
  vf: number;
  address: string;
  vlan_list?: { vlan: number }[];
}
/** VF `index` of the host's one PF, as its kernel reports it: MAC and VLAN. */
async function vfState(host: string, index: number): Promise<{ mac: string; vlan: number }> {
  const links = JSON.parse(await on(host, '/usr/sbin/ip -j link show eth0')) as {
    vfinfo_list?: IpVf[];
  }[];
  const vf = links[0]?.vfinfo_list?.find((v) => v.vf === index);
  return { mac: vf?.address ?? '?', vlan: vf?.vlan_list?.[0]?.vlan ?? 0 };
}

/** Waits for the host's agent to have reset VF `index`: no MAC, no VLAN. */
const resetOn = (host: string, index: number) =>
  until(`VF ${String(index)} on ${host} to be reset`, 120_000, async () => {
    const s = await vfState(host, index);
    return s.mac === '00:00:00:00:00:00' && s.vlan === 0 ? s : null;
  });

interface Port {
  mac: string;
  vlan: number;
  host: string;
  pciAddress: string;
  vfIndex: number;
}
interface Instance {
  host: string;
  ports: Port[];
  vm: { domain: string; state: string };
}
const portOf = (i: Instance): Port => {
  const p = i.ports[0];
  if (p === undefined) throw new Error('the instance has no port');
  return p;
};
const show = async (): Promise<Instance> =>
  JSON.parse(await vfleet('instance', 'show', 'mover', '-o', 'json')) as Instance;

/** The domain runs on `host` with its VF (the port's PCI address in the live XML), and nowhere else. */
async function runsOn(host: string, port: Port, domain: string): Promise<void> {
  expect((await virsh(host, `domstate ${domain}`)).trim()).toBe('running');
  const [, bus, slotFn] = port.pciAddress.split(':');
  const [slot, fn] = (slotFn ?? '').split('.');
  expect(await virsh(host, `dumpxml ${domain}`)).toContain(
    `<address type='pci' domain='0x0000' bus='0x${bus ?? ''}' slot='0x${slot ?? ''}' function='0x${fn ?? ''}'/>`,
  );
  expect(await vfState(host, port.vfIndex)).toEqual({ mac: port.mac, vlan: 100 });
  expect((await virsh(otherHost(host), 'list --all --name')).trim()).toBe('');
}

describe('instance migrate between two lab hosts with libvirt (real migration, real VFs)', () => {
  afterAll(slot.cleanup);

  it('moves a running nested guest with its VF and MAC, and rolls back two real failures', async () => {
    const fleet = await slot.start({ name: `im${String(process.pid)}`, hosts: 2, pfs: 1 });
    const HOSTS = fleet.hosts;
    // Each host's libvirtd is reached over the link, at its own address there.
    const facts = await Promise.all(
      HOSTS.map(
        async (h) =>
          (
            JSON.parse(await vfleet('hosts', 'show', h, '-o', 'json')) as {
              hypervisor: { migrationUri: string | null };
            }
          ).hypervisor.migrationUri,
      ),
    );
    expect(facts).toEqual(['qemu+tcp://169.254.76.1/system', 'qemu+tcp://169.254.76.2/system']);

    const token = await prepareNested(fleet, [['igb', '--driver', 'igb', '--num-vfs', '2']]);
    // A trusted token: the domain XML boots the lab's kernel from a host path.
    await bootNested(fleet, token, 'mover', ['blue,standby-bridge=br0']);
    const booted = await show();
    const a = booted.host;
    const b = otherHost(a);
    const domain = booted.vm.domain;
    const [portA] = booted.ports as [Port];
    await runsOn(a, portA, domain);

    // The nested guest is up: failover master, standby and VF, all with the port's MAC.
    const before = await until('the nested guest to report its NICs', 600_000, async () => {
      const s = await nestedSays(f(), a);
      return s.nics.some((n) => n.includes('igbvf')) ? s : null;
    });
    expect(before.nics).toContain(`0x8086:0x10ca igbvf ${portA.mac}`);
    expect(before.nics).toContain(`0x1af4:0x1041 virtio_net ${portA.mac}`);

    // 1. The migration.
    const started = Date.now();
    const moved = await vfleetRun('instance', 'migrate', 'mover', '--to', b);
    const migrateMs = Date.now() - started;
    expect(moved.code, moved.out).toBe(0);
    expect(moved.out).toContain(`migrated ${a} -> ${b}`);
    const after = await show();
    const [portB] = after.ports as [Port];
    expect([after.host, portB.mac, portB.vlan]).toEqual([b, portA.mac, portA.vlan]);
    await runsOn(b, portB, domain);
    // The source VF went back to the pool, reset by its agent.
    await resetOn(a, portA.vfIndex);
    // The same guest (its uptime goes on) sees the new VF with the same MAC.
    const onB = await until('the migrated guest to see its new VF', 300_000, async () => {
      const s = await nestedSays(f(), b);
      return s.nics.some((n) => n.includes('igbvf')) ? s : null;
    });
    expect(onB.nics).toContain(`0x8086:0x10ca igbvf ${portA.mac}`);
    expect(onB.nics.every((n) => n.endsWith(portA.mac))).toBe(true);
    expect(Math.min(...onB.uptimes)).toBeGreaterThan(Math.max(...before.uptimes));
    const job = await virsh(b, `domjobinfo --completed ${domain}`).catch(() => '');
    process.stderr.write(
      `instance migrate: ${String(migrateMs)} ms end to end; libvirt on the target says:\n${job}\n`,
    );

    // 2. The target refuses: its QEMU cannot open the guest's initrd.
    await on(a, `mv ${INITRD_PATH} ${INITRD_PATH}.away`);
    const refused = await vfleetRun('instance', 'migrate', 'mover', '--to', a);
    expect(refused.code).not.toBe(0);
    expect(refused.out).toContain('failed at migrate and was rolled back');
    expect(refused.out).toContain(INITRD_PATH);
    await on(a, `mv ${INITRD_PATH}.away ${INITRD_PATH}`);
    const stay1 = await show();
    expect(stay1.host).toBe(b);
    await runsOn(b, portOf(stay1), domain);
    await resetOn(a, portA.vfIndex);

    // 3. The link is cut while libvirt copies the guest's memory.
    const seenB = (await nestedSays(f(), b)).count;
    const cutting = vfleetRun('instance', 'migrate', 'mover', '--to', a);
    await until('the memory copy to start', 300_000, async () =>
      /Data processed:\s+[1-9]/.test(await virsh(b, `domjobinfo ${domain}`).catch(() => ''))
        ? true
        : null,
    );
    await on(a, 'ip link set link0 down');
    const cutAt = Date.now();
    const cut = await cutting;
    process.stderr.write(
      `link cut: the migration failed and was rolled back ${String(Date.now() - cutAt)} ms later\n`,
    );
    expect(cut.code).not.toBe(0);
    expect(cut.out).toContain('failed at migrate and was rolled back');
    await on(a, 'ip link set link0 up');
    const stay2 = await show();
    expect(stay2.host).toBe(b);
    // The target's half-made domain is gone once its libvirtd notices the lost peer.
    await until('the target to drop the incoming domain', 120_000, async () =>
      (await virsh(a, 'list --all --name')).trim() === '' ? true : null,
    );
    await runsOn(b, portOf(stay2), domain);
    // The guest never stopped, and sees its VF again.
    const back = await until('the guest to see its VF again', 300_000, async () => {
      const s = await nestedSays(f(), b, seenB);
      return s.nics.some((n) => n.includes('igbvf')) ? s : null;
    });
    expect(back.nics).toContain(`0x8086:0x10ca igbvf ${portA.mac}`);

    await vfleet('instance', 'delete', 'mover', '--wait');
    for (const h of HOSTS) expect((await virsh(h, 'list --all --name')).trim()).toBe('');
    expect(await fleet.stop()).toBe(true);
  });
});
