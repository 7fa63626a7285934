import { readFile, rename, writeFile } from 'node:fs/promises';

/** The JSON the fake `ip` keeps: a captured `ip -j -d link show` plus fixture knobs. */
export interface FakeIpState {
  root: string;
  log: string;
  links: IpLinkJson[];
  /** ifname -> `ip link set vf` keywords the driver rejects (`state` on igb). */
  unsupported: Record<string, string[]>;
  /** ifnames whose driver refuses VF rates without carrier (igb). */
  rateNeedsCarrier?: string[];
}

export interface IpLinkJson {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu: number;
  operstate: string;
  link_type: string;
  address: string;
  parentbus?: string;
  parentdev?: string;
  carrier?: boolean;
  vfinfo_list?: VfInfoJson[];
  [key: string]: unknown;
}

export interface VfInfoJson {
  vf: number;
  address: string;
  vlan_list: { vlan?: number; qos?: number; protocol?: string }[];
  rate: { max_tx: number; min_tx: number };
  spoofchk: boolean;
  link_state: string;
  trust: boolean;
  [key: string]: unknown;
}

/** A VF's counters as `ip -s -j` prints them (iproute2's print_vf_stats64). */
export interface VfStatsJson {
  rx: { bytes: number; packets: number; multicast: number; broadcast: number; dropped: number };
  tx: { tx_bytes: number; tx_packets: number; dropped: number };
}

/**
 * Traffic through VF `vf` of PF `pf` as the kernel would count it: adds
 * `delta` to each counter named there (the fake `ip -s` prints the sums).
 */
export async function addVfTraffic(
  statePath: string,
  pf: string,
  vf: number,
  delta: { rx?: Partial<VfStatsJson['rx']>; tx?: Partial<VfStatsJson['tx']> },
): Promise<void> {
  const s = await readIpState(statePath);
  const info = s.links.find((l) => l.ifname === pf)?.vfinfo_list?.find((v) => v.vf === vf);
  if (info === undefined) throw new Error(`fake ip: no VF ${String(vf)} on ${pf}`);
  const old = (info.stats as VfStatsJson | undefined) ?? {
    rx: { bytes: 0, packets: 0, multicast: 0, broadcast: 0, dropped: 0 },
    tx: { tx_bytes: 0, tx_packets: 0, dropped: 0 },
  };
  const add = <T extends Record<string, number>>(a: T, d: Partial<T> | undefined): T =>
    Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v + (d?.[k] ?? 0)])) as T;
  info.stats = { rx: add(old.rx, delta.rx), tx: add(old.tx, delta.tx) };
  // Atomically, as the fake writes it: an `ip` reading beside this sees before or after.
  const tmp = `${statePath}.bump.tmp`;
  await writeIpState(tmp, s);
  await rename(tmp, statePath);
}

export const readIpState = async (path: string): Promise<FakeIpState> =>
  JSON.parse(await readFile(path, 'utf8')) as FakeIpState;

export const writeIpState = (path: string, s: FakeIpState): Promise<void> =>
  writeFile(path, JSON.stringify(s, null, 1));

export function defaultVfInfo(index: number): VfInfoJson {
  return {
    vf: index,
    link_type: 'ether',
    address: '00:00:00:00:00:00',
    broadcast: 'ff:ff:ff:ff:ff:ff',
    vlan_list: [{}],
    rate: { max_tx: 0, min_tx: 0 },
    spoofchk: true,
    link_state: 'auto',
    trust: false,
  };
}

export function netdevLink(
  ifindex: number,
  ifname: string,
  mac: string,
  up: boolean,
  parentdev: string | null,
): IpLinkJson {
  return {
    ifindex,
    ifname,
    flags: up ? ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'] : ['BROADCAST', 'MULTICAST'],
    mtu: 1500,
    operstate: up ? 'UP' : 'DOWN',
    link_type: 'ether',
    address: mac,
    broadcast: 'ff:ff:ff:ff:ff:ff',
    ...(parentdev === null ? {} : { parentbus: 'pci', parentdev }),
  };
}

/** A random locally administered MAC, as igbvf assigns when the PF gave none. */
export function randomMac(seed: number): string {
  const b = [0x02, 0x00, (seed >> 24) & 0xff, (seed >> 16) & 0xff, (seed >> 8) & 0xff, seed & 0xff];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}
