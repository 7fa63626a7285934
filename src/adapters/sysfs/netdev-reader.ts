import type { NetdevFacts } from '../../core/host-facts.js';
import type { HostFs } from '../../core/ports.js';
import { SysfsValues } from './sysfs-values.js';

const IFF_UP = 0x1;

const EMPTY: NetdevFacts = {
  name: '',
  mac: null,
  operstate: null,
  adminUp: null,
  speedMbps: null,
  mtu: null,
  master: null,
};

/**
 * Reads `/sys/class/net/<name>/*` for the named netdevs; for `masterOnly`
 * ones (VF netdevs, hundreds per host) just the `master` link, all vfleet uses.
 */
export async function readNetdevs(
  fs: HostFs,
  names: readonly string[],
  masterOnly: readonly string[] = [],
): Promise<{ netdevs: Map<string, NetdevFacts>; warnings: string[] }> {
  const v = new SysfsValues(fs);
  const list = await Promise.all([
    ...names.map((n) => readNetdev(v, n)),
    ...masterOnly.map(async (name) => ({
      ...EMPTY,
      name,
      master: await v.linkName(`/sys/class/net/${name}/master`),
    })),
  ]);
  return { netdevs: new Map(list.map((n) => [n.name, n])), warnings: v.warnings };
}

async function readNetdev(v: SysfsValues, name: string): Promise<NetdevFacts> {
  const dir = `/sys/class/net/${name}`;
  const [mac, operstate, flags, speed, mtu, master] = await Promise.all([
    v.text(`${dir}/address`),
    v.text(`${dir}/operstate`),
    v.text(`${dir}/flags`),
    // speed reads EINVAL (null here) while the link is down; -1 means unknown.
    v.int(`${dir}/speed`),
    v.int(`${dir}/mtu`),
    v.linkName(`${dir}/master`),
  ]);
  const flagBits = flags !== null && /^0x[0-9a-f]+$/i.test(flags) ? parseInt(flags, 16) : null;
  return {
    name,
    mac: mac === '' ? null : mac,
    operstate: operstate === '' ? null : operstate,
    adminUp: flagBits === null ? null : (flagBits & IFF_UP) !== 0,
    speedMbps: speed === null || speed < 0 ? null : speed,
    mtu,
    master,
  };
}
