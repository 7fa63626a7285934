import type { CommandResult, CommandRunner, HostFs } from '../core/ports.js';
import { VfleetError } from '../core/errors.js';
import type { FixtureHost } from './fixture-host.js';
import { writeNetdev } from './fixture-layout.js';
import { defaultVfInfo, netdevLink, readIpState, writeIpState } from './fake-ip-state.js';
import type { FakeIpState, IpLinkJson, VfInfoJson } from './fake-ip-state.js';
import { nextEthName } from './fixture-vf.js';

const BUS = '/sys/bus/netdevsim';
/** netdevsim's default `max_vfs` (debugfs): more VFs is ENOMEM. */
const MAX_VFS = 4;
const RATE_KEYS = ['max_tx_rate', 'min_tx_rate'];

const ok = (stdout = ''): CommandResult => ({ exitCode: 0, stdout, stderr: '' });
const refused = (stderr: string): CommandResult => ({ exitCode: 1, stdout: '', stderr });
const writeError = (path: string, value: string, errno: string, message: string) =>
  new VfleetError(
    'HOST_WRITE_FAILED',
    `cannot write "${value.trim()}" to ${path}: ${errno}: ${message}`,
    {
      path,
      errno,
    },
  );

interface NsimDevice {
  readonly ifname: string;
  readonly switchId: string;
  mode: 'legacy' | 'switchdev';
  /** VF settings kept while the count is 0: netdevsim's vfconfigs live as long as the device. */
  saved: VfInfoJson[];
}

/** A freshly made netdevsim VF: its vfconfigs are zeroed, so spoof checking reads off (the capture's VF 2). */
const freshVf = (index: number): VfInfoJson => ({ ...defaultVfInfo(index), spoofchk: false });

/**
 * netdevsim for a fixture host, in process, shaped by the real-kernel capture
 * (src/testing/fixtures/switchdev-capture) and the driver's source
 * (drivers/net/netdevsim): a device `netdevsim<N>` on the netdevsim bus with
 * one port netdev, whose VFs are no PCI functions but entries of the
 * netdev's vfinfo_list; `sriov_numvfs` moves only between 0 and N (EBUSY),
 * at most 4 (ENOMEM); the devlink eswitch changes at any time, making a
 * representor (`pf0vf<i>`, no vfinfo_list) per VF in switchdev mode; a count
 * going to 0 in switchdev mode drops the device to legacy
 * (nsim_drv_configure_vfs); VF rates are refused in switchdev mode
 * (EOPNOTSUPP). Everything else goes to `base` (wrap a switchdevSim for
 * ethtool). Tests only; the lab proves the same on a real kernel.
 */
export function netdevsimSim(host: FixtureHost, base: { fs: HostFs; runner: CommandRunner }) {
  const devices = new Map<string, NsimDevice>();
  const calls: string[][] = [];

  const uplinkOf = (ip: FakeIpState, d: NsimDevice): IpLinkJson => {
    const l = ip.links.find((x) => x.ifname === d.ifname);
    if (l === undefined) throw new Error(`netdevsim sim: no netdev ${d.ifname}`);
    return l;
  };

  /** Representors follow the mode and the count; rates follow the mode. */
  function setPorts(ip: FakeIpState, name: string, d: NsimDevice): void {
    ip.links = ip.links.filter((l) => !(l.parentdev === name && l.ifname !== d.ifname));
    const vfs = uplinkOf(ip, d).vfinfo_list ?? [];
    // The fake ip refuses the keywords listed for a netdev: rates, in switchdev mode only.
    ip.unsupported[d.ifname] = d.mode === 'switchdev' ? RATE_KEYS : [];
    if (d.mode === 'switchdev') {
      vfs.forEach((_, i) => {
        const rep = netdevLink(700 + ip.links.length, nextEthName(ip), repMac(i), false, null);
        ip.links.push({
          ...rep,
          parentbus: 'netdevsim',
          parentdev: name,
          phys_port_name: `pf0vf${i}`,
          phys_switch_id: d.switchId,
        });
      });
    }
  }

  async function setNumVfs(name: string, d: NsimDevice, path: string, value: string) {
    const n = Number(value.trim());
    const current = Number((await base.fs.readText(path))?.trim() ?? '0');
    if (!Number.isInteger(n) || n < 0) throw writeError(path, value, 'EINVAL', 'Invalid argument');
    if (n === current) return;
    if (current !== 0 && n !== 0) throw writeError(path, value, 'EBUSY', 'Device or resource busy');
    if (n > MAX_VFS) throw writeError(path, value, 'ENOMEM', 'Cannot allocate memory');
    const ip = await readIpState(host.ipStatePath);
    const uplink = uplinkOf(ip, d);
    if (n === 0) {
      d.saved = uplink.vfinfo_list ?? [];
      uplink.vfinfo_list = [];
      d.mode = 'legacy';
    } else {
      uplink.vfinfo_list = Array.from({ length: n }, (_, i) => d.saved[i] ?? freshVf(i));
    }
    setPorts(ip, name, d);
    await writeIpState(host.ipStatePath, ip);
    await base.fs.writeText(path, `${n}\n`);
  }

  async function devlink(args: readonly string[]): Promise<CommandResult | null> {
    const [, , verb, handle = '', , mode] = args.filter((a) => a !== '-j');
    if (!handle.startsWith('netdevsim/')) return null;
    const name = handle.slice('netdevsim/'.length);
    const d = devices.get(name);
    if (d === undefined) return refused('kernel answers: No such device');
    if (verb === 'show') return ok(JSON.stringify({ dev: { [handle]: { mode: d.mode } } }));
    if (mode !== 'legacy' && mode !== 'switchdev') return refused('Error: invalid eswitch mode');
    d.mode = mode;
    const ip = await readIpState(host.ipStatePath);
    setPorts(ip, name, d);
    await writeIpState(host.ipStatePath, ip);
    return ok();
  }

  const runner: CommandRunner = {
    async run(command, args, options) {
      if (command === 'devlink') {
        const r = await devlink(args);
        if (r !== null) {
          calls.push([command, ...args]);
          return r;
        }
      }
      return base.runner.run(command, args, options);
    },
  };

  const fs: HostFs = {
    ...base.fs,
    async writeText(path, value) {
      const m = new RegExp(`^${BUS}/devices/([^/]+)/sriov_numvfs$`).exec(path);
      const d = m?.[1] === undefined ? undefined : devices.get(m[1]);
      if (m?.[1] !== undefined && d !== undefined) return setNumVfs(m[1], d, path, value);
      return base.fs.writeText(path, value);
    },
  };

  return {
    runner,
    fs,
    /** devlink calls on netdevsim devices that changed something, in order. */
    changes: () => calls.filter((c) => c.includes('set')),
    /** `echo "<id> 1" > /sys/bus/netdevsim/new_device`: one port, legacy, no VFs. Returns its netdev. */
    async add(id: number): Promise<string> {
      const name = `netdevsim${id}`;
      const dir = `${BUS}/devices/${name}`;
      const ip = await readIpState(host.ipStatePath);
      const ifname = nextEthName(ip);
      const mac = `2e:1d:45:79:1e:${id.toString(16).padStart(2, '0')}`;
      await host.files.dir(`${BUS}/drivers/netdevsim`);
      await host.files.link(`${dir}/driver`, '../../../../bus/netdevsim/drivers/netdevsim');
      await host.files.file(`${dir}/sriov_numvfs`, 0);
      const netdev = { name: ifname, address: null, mac, up: false, carrier: true };
      await writeNetdev(host.files, { ...netdev, speed: null, master: null });
      await host.files.link(
        `/sys/class/net/${ifname}/device`,
        `../../../bus/netdevsim/devices/${name}`,
      );
      const switchId = `c89ff39c82239d81${id.toString(16).padStart(4, '0')}`;
      ip.links.push({
        ...netdevLink(600 + ip.links.length, ifname, mac, false, null),
        parentbus: 'netdevsim',
        parentdev: name,
        phys_port_name: 'p0',
        phys_switch_id: switchId,
        vfinfo_list: [],
      });
      await writeIpState(host.ipStatePath, ip);
      devices.set(name, { ifname, switchId, mode: 'legacy', saved: [] });
      return ifname;
    },
  };
}

const repMac = (i: number) => `ca:05:e5:d1:ab:${i.toString(16).padStart(2, '0')}`;
