import { DATAPATH_PATHS, type DatapathPath } from './datapath-report.js';
import type { VmPort, VmPortKind } from './forwarder-vm.js';
import {
  endpointSteps,
  netnsName,
  type IpArgv,
  type NetnsEndpoint,
  type NetnsPair,
} from './netns-plan.js';

/** Where a VM path's four ends come from: the VM's two ports and the two namespace endpoints. */
export type VmPathSource =
  /** Two VFs for the VM (PCI addresses), two more as endpoints (netdevs), all on one PF. */
  | {
      readonly kind: 'vf';
      readonly pf: string;
      readonly vmVfs: readonly [string, string];
      readonly sender: string;
      readonly receiver: string;
    }
  /**
   * Two vDPA devices of two VFs (switchdev mode) for the VM; the endpoints
   * are those VFs' representors, where the NIC's switch delivers what a VF
   * sends when no rule offloads it (and what is sent on one reaches its VF).
   */
  | {
      readonly kind: 'vdpa';
      readonly pf: string;
      readonly vm: readonly [VdpaEnd, VdpaEnd];
    }
  /** Two macvtaps for the VM, two macvlans as endpoints, all in bridge mode on the PF. */
  | { readonly kind: 'macvtap'; readonly pf: string }
  /** Two taps on two bridges; the endpoints are veths on the same bridges. */
  | { readonly kind: 'tap'; readonly model: 'virtio' | 'e1000'; readonly vhost: boolean };

/** One VF's vDPA device (its vhost-vdpa char device and MAC) and the VF's representor. */
export interface VdpaEnd {
  readonly charDev: string;
  readonly mac: string;
  readonly representor: string;
}

export interface VmPathPlan {
  /** Every port of the forwarding VM, in path order, `in` before `out`. */
  readonly ports: readonly VmPort[];
  /** Made before the VM boots (the taps' bridges), in order. */
  readonly hostSetup: readonly IpArgv[];
  /** Best effort, after the VM is gone. */
  readonly hostTeardown: readonly IpArgv[];
  /** One per path, set up and measured one at a time while the VM runs. */
  readonly pairs: readonly NetnsPair[];
}

/** Every tap path's links are named `vd<run id><path letter><role>` (15 characters at most). */
const TAP_LETTER: Partial<Record<DatapathPath, string>> = { vhost: 'h', virtio: 'v', e1000: 'e' };
const TAP_LINK = /^vd(\d+)[hve][iosrab]$/;

/** The run id in a link a VM path made, or null for anyone else's. */
export function runIdOfLink(name: string): string | null {
  return TAP_LINK.exec(name)?.[1] ?? null;
}

/** The forwarding VM's domain name; its run id can be read back (runIdOfNetns's rule). */
export const forwarderName = (runId: string): string => `vfleet-dp-${runId}`;

export function runIdOfDomain(name: string): string | null {
  return /^vfleet-dp-(\d+)$/.exec(name)?.[1] ?? null;
}

/**
 * Locally administered MACs, unique per run (its id's low 24 bits), path
 * and side, so two runs on one PF never share one.
 */
export function portMac(runId: string, path: DatapathPath, side: 'in' | 'out'): string {
  const id = Number(runId) % 0x1000000;
  const b = [
    id >> 16,
    (id >> 8) & 0xff,
    id & 0xff,
    DATAPATH_PATHS.indexOf(path) * 2 + (side === 'in' ? 0 : 1),
  ];
  return ['02', '76', ...b.map((n) => n.toString(16).padStart(2, '0'))].join(':');
}

/**
 * RFC 2544 appendix C: a device under test between two networks,
 * 198.18.0.0/15 split in two. Path k uses 198.18.k.0/24 on the sender's
 * side and 198.19.k.0/24 on the receiver's; the VM is .254 on both.
 */
const addresses = (path: DatapathPath) => {
  const k = String(DATAPATH_PATHS.indexOf(path));
  return {
    senderNet: `198.18.${k}.0/24`,
    receiverNet: `198.19.${k}.0/24`,
    sender: `198.18.${k}.1`,
    receiver: `198.19.${k}.1`,
    vmIn: `198.18.${k}.254`,
    vmOut: `198.19.${k}.254`,
  };
};

function macvlanAdd(pf: string, name: string): IpArgv {
  return ['link', 'add', 'link', pf, 'name', name, 'type', 'macvlan', 'mode', 'bridge'];
}

interface Ends {
  readonly vm: readonly [VmPortKind, VmPortKind];
  /** The ports' MACs when the device sets them (a vDPA device has its own). */
  readonly macs?: readonly [string, string];
  readonly s: string;
  readonly r: string;
  /** Makes the endpoints' netdevs on the host. */
  readonly create: readonly IpArgv[];
  /** Gives back or deletes them, wherever they are. */
  readonly remove: readonly IpArgv[];
  readonly bridges: readonly string[];
  readonly description: string;
}

/** A physical netdev (a VF, a representor) goes back to the host before its namespace is deleted. */
const giveBack = (runId: string, s: string, r: string): IpArgv[] => [
  ['-n', netnsName(runId, 'tx'), 'link', 'set', 'dev', s, 'netns', '1'],
  ['-n', netnsName(runId, 'rx'), 'link', 'set', 'dev', r, 'netns', '1'],
];

function endsOf(runId: string, path: DatapathPath, source: VmPathSource): Ends {
  if (source.kind === 'vf') {
    const [a, b] = source.vmVfs;
    return {
      vm: [
        { kind: 'vf', pci: a },
        { kind: 'vf', pci: b },
      ],
      s: source.sender,
      r: source.receiver,
      create: [],
      remove: giveBack(runId, source.sender, source.receiver),
      bridges: [],
      description: `VFs ${source.sender} -> VM (VFs ${a}, ${b}) -> ${source.receiver} on ${source.pf} (switched by the NIC)`,
    };
  }
  if (source.kind === 'vdpa') {
    const [a, b] = source.vm;
    return {
      vm: [
        { kind: 'vdpa', charDev: a.charDev },
        { kind: 'vdpa', charDev: b.charDev },
      ],
      macs: [a.mac, b.mac],
      s: a.representor,
      r: b.representor,
      create: [],
      remove: giveBack(runId, a.representor, b.representor),
      bridges: [],
      description: `representor ${a.representor} -> VM (vDPA ${a.charDev}, ${b.charDev}) -> representor ${b.representor} on ${source.pf} (the NIC's switch, no offload rule)`,
    };
  }
  if (source.kind === 'macvtap') {
    const [s, r] = [`vfdp${runId}t`, `vfdp${runId}r`];
    const pf = { kind: 'macvtap', pf: source.pf } as const;
    return {
      vm: [pf, pf],
      s,
      r,
      create: [macvlanAdd(source.pf, s), macvlanAdd(source.pf, r)],
      // A macvlan the setup made but did not move yet is still on the host.
      remove: [
        ['link', 'del', 'dev', s],
        ['link', 'del', 'dev', r],
      ],
      bridges: [],
      description: `macvlans -> VM (macvtaps, bridge mode) -> macvlans on ${source.pf}`,
    };
  }
  const n = (role: string) => `vd${runId}${TAP_LETTER[path] ?? 'x'}${role}`;
  const [bin, bout] = [n('i'), n('o')];
  const tap = (bridge: string) =>
    ({ kind: 'tap', bridge, model: source.model, vhost: source.vhost }) as const;
  const veth = (inNs: string, onBridge: string, bridge: string): IpArgv[] => [
    ['link', 'add', inNs, 'type', 'veth', 'peer', 'name', onBridge],
    ['link', 'set', 'dev', onBridge, 'addrgenmode', 'none'],
    ['link', 'set', 'dev', onBridge, 'master', bridge, 'up'],
  ];
  const backend =
    source.model === 'e1000' ? 'e1000 (QEMU)' : source.vhost ? 'virtio, vhost-net' : 'virtio, QEMU';
  return {
    vm: [tap(bin), tap(bout)],
    s: n('s'),
    r: n('r'),
    create: [...veth(n('s'), n('a'), bin), ...veth(n('r'), n('b'), bout)],
    // Deleting a veth's host end deletes its peer, wherever that is.
    remove: [
      ['link', 'del', 'dev', n('a')],
      ['link', 'del', 'dev', n('b')],
    ],
    bridges: [bin, bout],
    description: `veth -> bridge ${bin} -> VM (tap, ${backend}) -> bridge ${bout} -> veth`,
  };
}

/**
 * The forwarding VM's ports and, per path, the namespaces facing them:
 * the sender routes the receiver's network through the VM's `in` port,
 * the receiver routes back through `out` (for the latency probes' replies).
 */
export function planVmPaths(
  runId: string,
  paths: readonly { readonly path: DatapathPath; readonly source: VmPathSource }[],
): VmPathPlan {
  const tx = netnsName(runId, 'tx');
  const rx = netnsName(runId, 'rx');
  const ports: VmPort[] = [];
  const pairs: NetnsPair[] = [];
  const bridges: string[] = [];
  for (const { path, source } of paths) {
    const a = addresses(path);
    const ends = endsOf(runId, path, source);
    const [vin, vout] = ends.vm;
    const [inMac, outMac] = ends.macs ?? [portMac(runId, path, 'in'), portMac(runId, path, 'out')];
    ports.push({ path, side: 'in', mac: inMac, cidr: `${a.vmIn}/24`, via: vin });
    ports.push({ path, side: 'out', mac: outMac, cidr: `${a.vmOut}/24`, via: vout });
    bridges.push(...ends.bridges);
    const sender: NetnsEndpoint = { netns: tx, ifname: ends.s, ip: a.sender };
    const receiver: NetnsEndpoint = { netns: rx, ifname: ends.r, ip: a.receiver };
    pairs.push({
      path,
      description: ends.description,
      sender,
      receiver,
      gatewayMac: inMac,
      setup: [
        ['netns', 'add', tx],
        ['netns', 'add', rx],
        ...ends.create,
        ['link', 'set', 'dev', ends.s, 'netns', tx],
        ['link', 'set', 'dev', ends.r, 'netns', rx],
        ...endpointSteps(sender, 24),
        ...endpointSteps(receiver, 24),
        ['-n', tx, 'route', 'add', a.receiverNet, 'via', a.vmIn],
        ['-n', rx, 'route', 'add', a.senderNet, 'via', a.vmOut],
      ],
      teardown: [...ends.remove, ['netns', 'del', tx], ['netns', 'del', rx]],
    });
  }
  return {
    ports,
    hostSetup: bridges.flatMap((b): IpArgv[] => [
      ['link', 'add', b, 'type', 'bridge'],
      ['link', 'set', 'dev', b, 'addrgenmode', 'none'],
      ['link', 'set', 'dev', b, 'up'],
    ]),
    hostTeardown: bridges.map((b) => ['link', 'del', 'dev', b]),
    pairs,
  };
}
