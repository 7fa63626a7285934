import { stringify } from 'yaml';
import type { GuestSeed } from '../libvirt/seed-disk.js';

/**
 * What vfleet hands a guest to configure itself: a cloud-init NoCloud seed
 * (the three files of a volume labelled `cidata`). `router` turns IPv4
 * and IPv6 forwarding on and gives each port its static addresses.
 */
export const GUEST_CONFIGS = ['router'] as const;
export type GuestConfig = (typeof GUEST_CONFIGS)[number];

/** One NIC of the guest as the seed matches it: by MAC, which vfleet chose or was given. */
export interface SeedPort {
  readonly network: string;
  readonly vnicType: string;
  /** null for a whole PF: its own MAC, unknown here, so the port is left out. */
  readonly mac: string | null;
  readonly addresses: readonly string[];
}

export interface GuestSeedInput {
  readonly kind: GuestConfig;
  readonly instanceId: string;
  readonly instanceName: string;
  readonly ports: readonly SeedPort[];
}

/**
 * Forwarding on; reverse-path filtering loose (2), not strict: a router's
 * routes are often asymmetric, and strict mode would drop a reply that
 * comes back on another port, while loose still drops sources no route
 * reaches at all.
 */
const ROUTER_SYSCTL = [
  'net.ipv4.ip_forward = 1',
  'net.ipv6.conf.all.forwarding = 1',
  'net.ipv4.conf.all.rp_filter = 2',
  'net.ipv4.conf.default.rp_filter = 2',
];

/** A Linux interface name (at most 15 bytes) that tells which port and network it is. */
export function seedIfname(index: number, network: string): string {
  return `p${index}-${network.replace(/[^A-Za-z0-9_-]/g, '-')}`.slice(0, 15);
}

/** A host name the guest accepts: letters, digits and hyphens, at most 63. */
const hostnameOf = (name: string) =>
  name
    .replace(/[^A-Za-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63) || 'vfleet-guest';

function ethernet(p: SeedPort & { readonly mac: string }, i: number): [string, object] {
  const common = { match: { macaddress: p.mac }, 'set-name': seedIfname(i, p.network) };
  if (p.addresses.length > 0) return [common['set-name'], { ...common, addresses: p.addresses }];
  // A bridge NIC without addresses is the management one (libvirt's networks
  // serve DHCP); a VF without addresses is left up and unaddressed for the operator.
  const dhcp = p.vnicType === 'normal';
  return [common['set-name'], { ...common, dhcp4: dhcp, dhcp6: false }];
}

/** The seed for a guest; pure text, the same for the same instance. */
export function renderGuestSeed(input: GuestSeedInput): GuestSeed {
  const metaData = stringify({
    'instance-id': input.instanceId,
    'local-hostname': hostnameOf(input.instanceName),
  });
  const userData = `#cloud-config\n${stringify({
    write_files: [
      {
        path: '/etc/sysctl.d/90-vfleet-router.conf',
        permissions: '0644',
        content: `${ROUTER_SYSCTL.join('\n')}\n`,
      },
    ],
    // write_files runs after the network is up; apply the file at once, and at every boot after.
    runcmd: [['sysctl', '--system']],
  })}`;
  const ethernets = Object.fromEntries(
    input.ports.flatMap((p, i) => (p.mac === null ? [] : [ethernet({ ...p, mac: p.mac }, i)])),
  );
  const networkConfig = stringify({ version: 2, ethernets });
  return { metaData, userData, networkConfig };
}
