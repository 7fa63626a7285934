import type { Pf } from '../inventory.js';
import type { Finding } from './finding.js';
import { finding } from './finding.js';
import type { DoctorInput } from './input.js';

const net = (ifname: string) => `/sys/class/net/${ifname}`;
const dev = (addr: string) => `/sys/bus/pci/devices/${addr}`;

/** A PF without a driver or netdev cannot create or configure VFs. */
export function checkPfDriver(input: DoctorInput): Finding[] {
  return input.inventory.pfs.flatMap((pf) => {
    if (pf.driver === null)
      return [
        finding(
          'pf-driver',
          'error',
          pf.pciAddress,
          'PF has no driver: VFs cannot be created',
          [`${dev(pf.pciAddress)}/driver: (absent)`],
          [
            'Load the NIC driver (modprobe <driver>) or check why it failed to probe in the kernel log',
          ],
        ),
      ];
    if (pf.ifname === null)
      return [
        finding(
          'pf-driver',
          'warning',
          pf.pciAddress,
          `PF has no network interface (driver ${pf.driver}): VF MAC/VLAN cannot be set through it`,
          [`${dev(pf.pciAddress)}/net: (absent)`],
          [
            'Check the kernel log for errors of the driver; a PF bound to vfio-pci or another non-network driver has no netdev',
          ],
        ),
      ];
    return [];
  });
}

/** VFs pass no traffic while their PF is down; igbvf warns "Is the PF interface up?". */
export function checkPfDown(input: DoctorInput): Finding[] {
  return input.inventory.pfs.flatMap((pf) => {
    if (pf.ifname === null) return [];
    const adminDown = pf.adminUp === false || (pf.adminUp === null && pf.linkState === 'down');
    const noCarrier = !adminDown && (pf.linkState === 'down' || pf.linkState === 'lowerlayerdown');
    if (!adminDown && !noCarrier) return [];
    const evidence = [`${net(pf.ifname)}/operstate: ${pf.linkState ?? '(unknown)'}`];
    if (pf.adminUp === false) evidence.push(`${net(pf.ifname)}/flags: IFF_UP not set`);
    const severity = pf.numVfs > 0 ? 'warning' : 'info';
    if (adminDown)
      return [
        finding(
          'pf-down',
          severity,
          pf.pciAddress,
          `PF ${pf.ifname} is down${pf.numVfs > 0 ? `: its ${pf.numVfs} VFs have no link` : ''}`,
          evidence,
          [
            `ip link set dev ${pf.ifname} up`,
            'Make it persistent in the network configuration (systemd-networkd, NetworkManager, ifupdown), and bring the PF up before creating VFs',
          ],
        ),
      ];
    return [
      finding(
        'pf-down',
        severity,
        pf.pciAddress,
        `PF ${pf.ifname} is up but has no carrier`,
        evidence,
        ['Check the cable, transceiver and switch port'],
      ),
    ];
  });
}

const isIntel = (pf: Pf) => pf.vendorId === '8086';

/** A bridged PF: VF traffic bypasses the bridge, and Intel PFs lose promiscuous mode once VFs exist. */
export function checkPfBridge(input: DoctorInput): Finding[] {
  return input.inventory.pfs.flatMap((pf) => {
    const master = input.masters[pf.pciAddress];
    if (master?.kind !== 'bridge' || pf.ifname === null) return [];
    const evidence = [
      `${net(pf.ifname)}/master -> ${master.name}`,
      `${net(master.name)}/bridge: present`,
    ];
    const fix = [
      `Take ${pf.ifname} out of ${master.name} (ip link set dev ${pf.ifname} nomaster) and give the bridge another NIC, or a VF of this PF`,
      'Keep VM traffic on this NIC on VFs (direct/hostdev ports) instead of the bridge',
    ];
    if (isIntel(pf))
      return [
        finding(
          'pf-bridge',
          'warning',
          pf.pciAddress,
          `Intel PF ${pf.ifname} is a port of bridge ${master.name}: it loses promiscuous mode once VFs exist, so bridged guests stop receiving`,
          evidence,
          fix,
        ),
      ];
    return [
      finding(
        'pf-bridge',
        'info',
        pf.pciAddress,
        `PF ${pf.ifname} is a port of bridge ${master.name}: VF traffic bypasses the bridge and its firewall`,
        evidence,
        fix,
      ),
    ];
  });
}
