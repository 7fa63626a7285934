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
 * Reads `/sys/class/net/<name>/*` for the named netdevs; for the `brief`
 * ones (VF netdevs, hundreds per host) only what tells whether the netdev is
 * in use: address, IFF_UP and the `master` link.
 */
export async function readNetdevs(
  fs: HostFs,
  names: readonly string[],
  brief: readonly string[] = [],
): Promise<{ netdevs: Map<string, NetdevFacts>; warnings: string[] }> {
  const v = new SysfsValues(fs);
  const list = await Promise.all([
    ...names.map((n) => readNetdev(v, n)),
    ...brief.map((n) => readBriefNetdev(v, n)),
  ]);
  return { netdevs: new Map(list.map((n) => [n.name, n])), warnings: v.warnings };
}

const isUp = (flags: string | null): boolean | null =>
  flags !== null && /^0x[0-9a-f]+$/i.test(flags) ? (parseInt(flags, 16) & IFF_UP) !== 0 : null;

async function readBriefNetdev(v: SysfsValues, name: string): Promise<NetdevFacts> {
  const dir = `/sys/class/net/${name}`;
  const [mac, flags, master] = await Promise.all([
    v.text(`${dir}/address`),
    v.text(`${dir}/flags`),
    v.linkName(`${dir}/master`),
  ]);
  return { ...EMPTY, name, mac: mac === '' ? null : mac, adminUp: isUp(flags), master };
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
  return {
    name,
    mac: mac === '' ? null : mac,
    operstate: operstate === '' ? null : operstate,
    adminUp: isUp(flags),
    speedMbps: speed === null || speed < 0 ? null : speed,
    mtu,
    master,
  };
}
