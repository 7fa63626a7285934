import type { DatapathPath } from './datapath-report.js';

/** An `ip` command line (iproute2), run without a shell. */
export type IpArgv = readonly string[];

/** One end of a path: a netdev with an address, alone in its network namespace. */
export interface NetnsEndpoint {
  readonly netns: string;
  readonly ifname: string;
  /** IPv4 address without prefix length. */
  readonly ip: string;
}

/** Where a path's two netdevs come from. */
export type EndpointSource =
  /** Two VFs of one PF: frames are switched by the NIC's embedded bridge (VEB). */
  | { readonly kind: 'vf'; readonly pf: string; readonly sender: string; readonly receiver: string }
  /** Two macvlans in bridge mode on one PF: switched by the kernel, as macvtap switches VMs. */
  | { readonly kind: 'macvlan'; readonly pf: string };

export interface NetnsPair {
  readonly path: DatapathPath;
  /** What the two endpoints are, for the report and progress. */
  readonly description: string;
  readonly sender: NetnsEndpoint;
  readonly receiver: NetnsEndpoint;
  /**
   * The MAC the sender's frames go to: the forwarding VM's port on a VM
   * path; null when the receiver is on the same link (its own MAC).
   */
  readonly gatewayMac: string | null;
  /** In order; a failure stops the setup and the teardown runs. */
  readonly setup: readonly IpArgv[];
  /** Every step, best effort: each undoes one thing the setup may have done. */
  readonly teardown: readonly IpArgv[];
}

/** RFC 2544 appendix C reserves 198.18.0.0/15 for benchmarks: no real network uses it. */
const SENDER_IP = '198.18.0.1';
const RECEIVER_IP = '198.18.0.2';
const PREFIX = 30;

/** Every namespace a run makes starts with this, then the run's id: stale ones can be found. */
export const NETNS_PREFIX = 'vfleet-dp-';

export const netnsName = (runId: string, end: 'tx' | 'rx'): string =>
  `${NETNS_PREFIX}${runId}-${end}`;

/** The run id in a namespace this module named, or null for anyone else's. */
export function runIdOfNetns(name: string): string | null {
  const m = new RegExp(`^${NETNS_PREFIX}(\\d+)-(?:tx|rx)$`).exec(name);
  return m?.[1] ?? null;
}

/** An endpoint's netdev, in its namespace already, given its address and brought up. */
export function endpointSteps(e: NetnsEndpoint, prefix = PREFIX): IpArgv[] {
  const n = ['-n', e.netns];
  return [
    // No IPv6 link-local address: no router or neighbour solicitations
    // mixing with the counted frames.
    [...n, 'link', 'set', 'dev', e.ifname, 'addrgenmode', 'none'],
    [...n, 'addr', 'add', `${e.ip}/${String(prefix)}`, 'dev', e.ifname],
    [...n, 'link', 'set', 'dev', e.ifname, 'up'],
  ];
}

/**
 * The namespaces and links for one path. Moving a VF's netdev into a
 * namespace keeps the VF as it was configured (MAC, VLAN, spoof check, set
 * through the PF); deleting the namespace would hand a physical netdev back
 * to the host by itself, but only after the kernel gets round to it, so the
 * teardown moves it back first. macvlans die with their namespace.
 */
export function netnsPair(runId: string, path: DatapathPath, source: EndpointSource): NetnsPair {
  const tx = netnsName(runId, 'tx');
  const rx = netnsName(runId, 'rx');
  const names =
    source.kind === 'vf'
      ? { s: source.sender, r: source.receiver }
      : { s: `vfdp${runId}t`, r: `vfdp${runId}r` };
  const sender: NetnsEndpoint = { netns: tx, ifname: names.s, ip: SENDER_IP };
  const receiver: NetnsEndpoint = { netns: rx, ifname: names.r, ip: RECEIVER_IP };
  const create: IpArgv[] =
    source.kind === 'vf'
      ? []
      : [names.s, names.r].map((n) => [
          'link',
          'add',
          'link',
          source.pf,
          'name',
          n,
          'type',
          'macvlan',
          'mode',
          'bridge',
        ]);
  const setup: IpArgv[] = [
    ['netns', 'add', tx],
    ['netns', 'add', rx],
    ...create,
    ['link', 'set', 'dev', names.s, 'netns', tx],
    ['link', 'set', 'dev', names.r, 'netns', rx],
    ...endpointSteps(sender),
    ...endpointSteps(receiver),
  ];
  const giveBack: IpArgv[] =
    source.kind === 'vf'
      ? [
          ['-n', tx, 'link', 'set', 'dev', names.s, 'netns', '1'],
          ['-n', rx, 'link', 'set', 'dev', names.r, 'netns', '1'],
        ]
      : // A macvlan the setup made but did not move yet is still on the host.
        [
          ['link', 'del', 'dev', names.s],
          ['link', 'del', 'dev', names.r],
        ];
  const description =
    source.kind === 'vf'
      ? `VFs ${names.s} -> ${names.r} on ${source.pf} (switched by the NIC)`
      : `macvlans (bridge mode, as macvtap) on ${source.pf} (switched by the kernel)`;
  return {
    path,
    description,
    sender,
    receiver,
    gatewayMac: null,
    setup,
    teardown: [...giveBack, ['netns', 'del', tx], ['netns', 'del', rx]],
  };
}
