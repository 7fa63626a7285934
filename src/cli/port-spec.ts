import { VfleetError } from '../core/errors.js';
import { NIC_MODELS } from '../core/libvirt/domain-request.js';
import { VNIC_TYPES } from '../core/vocabulary.js';

/**
 * The keys of `--port NET[,key=value...]`: the parser and `--help` both read
 * this table, so the help cannot leave a key out.
 */
interface PortKey {
  readonly key: string;
  /** What follows `=` in the help; null: a flag (`trusted`, or `trusted=false`). */
  readonly value: string | null;
  readonly help: string;
  readonly set: (port: Record<string, unknown>, value: string) => void;
}

const rate = (field: string) => (port: Record<string, unknown>, v: string) => {
  // A number the API can range-check; other text goes as is for its own message.
  port[field] = /^\d+$/.test(v) ? Number(v) : v;
};

export const PORT_KEYS: readonly PortKey[] = [
  {
    key: 'vnic',
    value: VNIC_TYPES.join('|'),
    help: 'how the guest gets the port (default direct; direct-physical: a whole PF, no mac/trusted/rates)',
    set: (p, v) => (p.vnicType = v),
  },
  { key: 'mac', value: 'MAC', help: 'the MAC (default: one is made)', set: (p, v) => (p.mac = v) },
  {
    key: 'trusted',
    value: null,
    help: 'the VF may change its MAC, use many MACs and VLAN filters, go promiscuous (VLAN trunking in the guest, VRRP); trusted=false to say no',
    set: (p, v) => (p.trusted = v !== 'false'),
  },
  {
    key: 'spoofchk',
    value: 'on|off',
    help: 'VF source-MAC spoof checking (default on; off on a trusted port unless --template router); off: frames with other MACs leave, e.g. bridged',
    set: (p, v) => (p.spoofchk = v === 'on' ? true : v === 'off' ? false : v),
  },
  {
    key: 'address',
    value: 'CIDR',
    help: 'a static guest address of this port for its guest configuration (10.0.1.1/24; repeatable)',
    set: (p, v) => {
      p.addresses = [...(Array.isArray(p.addresses) ? (p.addresses as unknown[]) : []), v];
    },
  },
  { key: 'max-tx', value: 'MBPS', help: 'VF transmit cap in Mbit/s', set: rate('maxTxRate') },
  {
    key: 'min-tx',
    value: 'MBPS',
    help: 'VF guaranteed transmit rate in Mbit/s',
    set: rate('minTxRate'),
  },
  {
    key: 'bridge',
    value: 'BR',
    help: 'vnic=normal: attach to host bridge BR',
    set: (p, v) => (p.bridge = v),
  },
  {
    key: 'libvirt-network',
    value: 'NET',
    help: 'vnic=normal: attach to libvirt network NET',
    set: (p, v) => (p.libvirtNetwork = v),
  },
  {
    key: 'model',
    value: NIC_MODELS.join('|'),
    help: "vnic=normal: the NIC the guest sees (default virtio; igb: QEMU's emulated SR-IOV NIC, a PF the guest can make 7 VFs on)",
    set: (p, v) => (p.nicModel = v),
  },
  {
    key: 'standby-bridge',
    value: 'BR',
    help: 'a virtio standby on host bridge BR, so the VM can live-migrate (failover)',
    set: (p, v) => (p.standby = { bridge: v }),
  },
  {
    key: 'standby-network',
    value: 'NET',
    help: 'a virtio standby on libvirt network NET (failover)',
    set: (p, v) => (p.standby = { libvirtNetwork: v }),
  },
];

/** Accepted spellings beside the table's (older scripts wrote vnicType=). */
const ALIASES: Readonly<Record<string, string>> = { vnicType: 'vnic' };

const usage = (k: PortKey) => (k.value === null ? k.key : `${k.key}=${k.value}`);

/** `--port` help: every key of the table, one per line. */
export function portSpecHelp(): string {
  return [
    'a port, repeatable: NET[,key=value...], NET the network; keys:',
    ...PORT_KEYS.map((k) => `  ${usage(k)}: ${k.help}`),
  ].join('\n');
}

/** `NET[,key=value...]` as the API's port request. */
export function parsePortSpec(spec: string): Record<string, unknown> {
  const [network, ...rest] = spec.split(',');
  const bad = (why: string) =>
    new VfleetError('INVALID_INPUT', `--port: "${spec}": ${why}`, { field: 'port' });
  if (network === undefined || network.trim() === '' || network.includes('='))
    throw bad('start with the network name, e.g. blue,vnic=direct');
  const port: Record<string, unknown> = { network: network.trim() };
  for (const part of rest) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    const value = eq < 0 ? null : part.slice(eq + 1).trim();
    const key = PORT_KEYS.find((k) => k.key === (ALIASES[name] ?? name));
    const fits =
      key !== undefined &&
      (key.value === null
        ? value === null || value === 'true' || value === 'false'
        : value !== null);
    if (key === undefined || !fits)
      throw bad(`unknown setting "${part}" (${PORT_KEYS.map(usage).join(', ')})`);
    key.set(port, value ?? 'true');
  }
  return port;
}
