import type { CommandResult, CommandRunner, HostFs } from '../core/ports.js';
import type { FixtureHost } from './fixture-host.js';
import { dev } from './fixture-layout.js';
import { readIpState, writeIpState } from './fake-ip-state.js';

const VDPA = '/sys/bus/vdpa';
const SWITCH_ID = '2c0b3a0003b1f098';

const ok = (stdout = ''): CommandResult => ({ exitCode: 0, stdout, stderr: '' });
const refused = (stderr: string): CommandResult => ({ exitCode: 1, stdout: '', stderr });

/**
 * devlink, ethtool and vdpa for a fixture host, in process, shaped like an
 * mlx5 NIC with vDPA (ConnectX-6 Dx and mlx5_vdpa, from NVIDIA's and the
 * kernel's documentation; values here are our own): an eswitch per PF whose
 * switchdev mode makes a representor `<pf>_<i>` (port `pf0vf<i>`) for each VF
 * then present, a vDPA management device `pci/<VF>` for each VF on
 * mlx5_core, and vDPA devices that virtio_vdpa probes first, as a host
 * with both bus drivers loaded does. Everything else goes to the fixture's
 * own programs. Tests only; the lab proves the same on a real kernel.
 */
export function switchdevSim(host: FixtureHost, base: { fs: HostFs; runner: CommandRunner }) {
  const modes = new Map<string, string>();
  const tc = new Map<string, boolean>();
  const devs = new Map<string, { mgmtdev: string; mac: string | null; chr: number | null }>();
  const calls: string[][] = [];
  let nextChr = 0;

  const vfsOf = async (pf: string): Promise<string[]> => {
    const out: string[] = [];
    for (let i = 0; ; i++) {
      const t = await base.fs.readLink(`${dev(pf)}/virtfn${i}`);
      if (t === null) return out;
      out.push(t.split('/').pop() ?? '');
    }
  };
  const driverOf = async (addr: string) =>
    (await base.fs.readLink(`${dev(addr)}/driver`))?.split('/').pop() ?? null;

  async function setRepresentors(pf: string, on: boolean): Promise<void> {
    const ip = await readIpState(host.ipStatePath);
    const pfIf = (await base.fs.listDir(`${dev(pf)}/net`))?.[0];
    const uplink = ip.links.find((l) => l.ifname === pfIf);
    if (pfIf === undefined || uplink === undefined) return;
    ip.links = ip.links.filter((l) => !(l.parentdev === pf && l.ifname.startsWith(`${pfIf}_`)));
    if (on) {
      uplink.phys_switch_id = SWITCH_ID;
      uplink.phys_port_name = 'p0';
      const vfs = await vfsOf(pf);
      vfs.forEach((_, i) => {
        ip.links.push({
          ifindex: 500 + ip.links.length,
          ifname: `${pfIf}_${i}`,
          flags: ['BROADCAST', 'MULTICAST'],
          mtu: 1500,
          operstate: 'DOWN',
          link_type: 'ether',
          address: `02:00:00:00:05:${i.toString(16).padStart(2, '0')}`,
          parentbus: 'pci',
          parentdev: pf,
          phys_switch_id: SWITCH_ID,
          phys_port_name: `pf0vf${i}`,
        });
      });
    } else {
      delete uplink.phys_switch_id;
      delete uplink.phys_port_name;
    }
    await writeIpState(host.ipStatePath, ip);
  }

  async function devlink(args: readonly string[]): Promise<CommandResult> {
    const [, , verb, handle = '', , mode] = [...args.filter((a) => a !== '-j')];
    const pf = handle.replace(/^pci\//, '');
    if ((await driverOf(pf)) !== 'mlx5_core')
      return refused('kernel answers: Operation not supported');
    if (verb === 'show')
      return ok(
        JSON.stringify({
          dev: {
            [handle]: {
              mode: modes.get(handle) ?? 'legacy',
              'inline-mode': 'none',
              'encap-mode': 'basic',
            },
          },
        }),
      );
    // mlx5 refuses the change while a VF is bound to a driver (seen in NVIDIA's notes).
    for (const vf of await vfsOf(pf)) {
      if ((await driverOf(vf)) !== null)
        return refused("Error: mlx5_core: Can't change mode while VFs are bound.");
    }
    modes.set(handle, mode ?? 'legacy');
    await setRepresentors(pf, mode === 'switchdev');
    return ok();
  }

  function ethtool(args: readonly string[]): CommandResult {
    const ifname = args[1] ?? '';
    if (args[0] === '-K') {
      tc.set(ifname, args[3] === 'on');
      return ok();
    }
    return ok(
      `Features for ${ifname}:\nhw-tc-offload: ${tc.get(ifname) === true ? 'on' : 'off'}\n`,
    );
  }

  async function mgmtdevs(): Promise<string[]> {
    const out: string[] = [];
    for (const pf of (await base.fs.listDir('/sys/bus/pci/devices')) ?? []) {
      for (const vf of await vfsOf(pf))
        if ((await driverOf(vf)) === 'mlx5_core') out.push(`pci/${vf}`);
    }
    return out;
  }

  async function vdpa(args: readonly string[]): Promise<CommandResult> {
    const a = args.filter((x) => x !== '-j');
    const key = a.slice(0, 2).join(' ');
    if (key === 'mgmtdev show') {
      const m = Object.fromEntries(
        (await mgmtdevs()).map((n) => [
          n,
          { supported_classes: ['net'], max_supported_vqs: 16, dev_features: ['MAC', 'MTU'] },
        ]),
      );
      return ok(JSON.stringify({ mgmtdev: m }));
    }
    if (key === 'dev show')
      return ok(
        JSON.stringify({
          dev: Object.fromEntries(
            [...devs].map(([n, d]) => [
              n,
              {
                type: 'network',
                mgmtdev: d.mgmtdev,
                vendor_id: 5555,
                max_vqs: 16,
                max_vq_size: 256,
              },
            ]),
          ),
        }),
      );
    if (key === 'dev config')
      return ok(
        JSON.stringify({
          config: Object.fromEntries(
            [...devs].map(([n, d]) => [n, { mac: d.mac, 'link ': 'up', mtu: 1500 }]),
          ),
        }),
      );
    if (key === 'dev add') {
      const name = a[a.indexOf('name') + 1] ?? '';
      const mgmtdev = a[a.indexOf('mgmtdev') + 1] ?? '';
      if (!(await mgmtdevs()).includes(mgmtdev)) return refused(`kernel answers: No such device`);
      if (devs.has(name)) return refused('kernel answers: File exists');
      const mac = a.includes('mac') ? (a[a.indexOf('mac') + 1] ?? null) : null;
      devs.set(name, { mgmtdev, mac, chr: null });
      await host.files.file(`${VDPA}/devices/${name}/driver_override`, '(null)\n');
      await host.files.link(`${VDPA}/devices/${name}/driver`, '../../bus/vdpa/drivers/virtio_vdpa');
      return ok();
    }
    if (key === 'dev del') {
      const name = a[2] ?? '';
      if (!devs.delete(name)) return refused('kernel answers: No such device');
      await host.files.remove(`${VDPA}/devices/${name}`);
      return ok();
    }
    return refused(`fake vdpa: unsupported: ${a.join(' ')}`);
  }

  const runner: CommandRunner = {
    async run(command, args, options) {
      if (command === 'devlink' || command === 'ethtool' || command === 'vdpa') {
        calls.push([command, ...args]);
        if (command === 'devlink') return devlink(args);
        if (command === 'ethtool') return ethtool(args);
        return vdpa(args);
      }
      return base.runner.run(command, args, options);
    },
  };

  const fs: HostFs = {
    ...base.fs,
    async writeText(path, value) {
      const unbind = /^\/sys\/bus\/vdpa\/drivers\/([^/]+)\/unbind$/.exec(path);
      if (unbind) return host.files.remove(`${VDPA}/devices/${value.trim()}/driver`);
      if (path === `${VDPA}/drivers/vhost_vdpa/bind`) {
        const name = value.trim();
        const d = devs.get(name);
        if (d === undefined) throw new Error(`no vDPA device ${name}`);
        d.chr = nextChr++;
        await host.files.link(
          `${VDPA}/devices/${name}/driver`,
          '../../bus/vdpa/drivers/vhost_vdpa',
        );
        await host.files.dir(`${VDPA}/devices/${name}/vhost-vdpa-${d.chr}`);
        return;
      }
      return base.fs.writeText(path, value);
    },
  };

  return {
    runner,
    fs,
    /** devlink, ethtool and vdpa calls that changed something, in order. */
    changes: () =>
      calls.filter(
        (c) => c.includes('set') || c.includes('-K') || c.includes('add') || c.includes('del'),
      ),
    async init(): Promise<void> {
      await host.files.dir(`${VDPA}/drivers/vhost_vdpa`);
      await host.files.dir(`${VDPA}/drivers/virtio_vdpa`);
      await host.files.dir(`${VDPA}/devices`);
    },
  };
}
