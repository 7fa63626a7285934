import type { PortView } from '../../../api/answers.js';
import { pageSchema } from '../../../api/schemas/pages.js';
import { portSchema } from '../../../api/schemas/instances.js';

const portPage = pageSchema(portSchema, 'PortPage');

/**
 * The ports of network `net-blue` as GET /v1/ports?network= answers them,
 * for the topology tests: on each of `hosts` hosts, `pfs` PFs with `vfs`
 * ports each, every port on its own VF; ports come in pairs per instance
 * (two VFs of one PF to one guest), plus one port that holds no VF yet.
 * Parsed by the API's own schema, so they cannot drift from what it sends.
 */
export function samplePorts(hosts: number, pfs: number, vfs: number): PortView[] {
  const placed = Array.from({ length: hosts * pfs * vfs }, (_, n) => {
    const h = Math.floor(n / (pfs * vfs));
    const p = Math.floor(n / vfs) % pfs;
    const i = n % vfs;
    const bus = (0x3b + p).toString(16).padStart(2, '0');
    const inst = `i-${h}-${p}-${Math.floor(i / 2)}`;
    return port(`port-${n}`, {
      host: `hv-${h.toString().padStart(2, '0')}`,
      pf: `0000:${bus}:00.0`,
      pciAddress: `0000:${bus}:${(0x10 + Math.floor(i / 8)).toString(16)}.${i % 8}`,
      vfIndex: i,
      instanceId: inst,
      instance: `vm-${inst}`,
      mac: `fa:16:3e:00:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`,
    });
  });
  const waiting = port('port-waiting', {
    host: null,
    pf: null,
    pciAddress: null,
    vfIndex: null,
    instanceId: null,
    instance: null,
    mac: 'fa:16:3e:ff:ff:ff',
  });
  return portPage.parse({ items: [...placed, waiting], nextCursor: null }).items;
}

function port(id: string, at: Record<string, string | number | null>) {
  return {
    id,
    tenant: 'acme',
    network: 'blue',
    networkId: 'net-blue',
    physnet: 'p1',
    vlan: 120,
    vnicType: 'direct',
    trusted: false,
    spoofchk: true,
    maxTxRate: 0,
    minTxRate: 0,
    note: '',
    ...at,
  };
}
