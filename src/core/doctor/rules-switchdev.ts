import type { Pf } from '../inventory.js';
import type { Finding } from './finding.js';
import { finding } from './finding.js';
import type { DoctorInput } from './input.js';

const esw = (pf: Pf) =>
  `devlink dev eswitch show pci/${pf.pciAddress}: mode ${pf.eswitchMode ?? '?'}`;

/**
 * Switchdev PFs: every VF has a representor (else OVS cannot plug it), and
 * the uplink offloads TC (else OVS hardware offload falls back to software).
 */
export function checkSwitchdev(input: DoctorInput): Finding[] {
  return input.inventory.pfs.flatMap((pf) => {
    if (pf.eswitchMode !== 'switchdev') return [];
    const out: Finding[] = [];
    const bare = pf.vfs.filter((v) => v.representor === null);
    if (bare.length > 0) {
      out.push(
        finding(
          'switchdev',
          'warning',
          pf.pciAddress,
          `${bare.length} of ${pf.vfs.length} VF(s) have no representor: nothing can switch their traffic`,
          [
            esw(pf),
            `no netdev with phys_port_name pf0vfN and the switch id of ${pf.ifname ?? 'the PF'} for VF(s) ${bare.map((v) => v.index).join(', ')}`,
          ],
          [
            `List the ports: devlink port show (each VF should have a port of flavour pcivf with a netdev)`,
            'mlx5: the mode must change while no driver holds the VFs; vfleet host apply does it in that order. By hand: unbind each VF, devlink dev eswitch set ... mode legacy, then mode switchdev, then bind them again',
            'A udev rule renaming representors may have failed: check the kernel log and udevadm monitor',
          ],
        ),
      );
    }
    if (pf.hwTcOffload === false) {
      out.push(
        finding(
          'switchdev',
          'info',
          pf.pciAddress,
          `hw-tc-offload is off on ${pf.ifname ?? 'the uplink'}: TC and OVS flows are not offloaded to the NIC`,
          [esw(pf), `ethtool -k ${pf.ifname ?? '?'}: hw-tc-offload: off`],
          [
            `ethtool -K ${pf.ifname ?? '<uplink>'} hw-tc-offload on (or hwTcOffload: true in the host state)`,
            'For OVS: ovs-vsctl set Open_vSwitch . other_config:hw-offload=true, then restart openvswitch',
          ],
        ),
      );
    }
    return out;
  });
}

/**
 * vDPA: devices without vhost_vdpa get no char device (libvirt cannot open
 * them); mlx5 switchdev VFs without management devices cannot get one.
 */
export function checkVdpa(input: DoctorInput): Finding[] {
  const out: Finding[] = [];
  const { devices } = input.inventory.vdpa;
  const off = devices.filter((d) => d.charDev === null);
  if (off.length > 0 && !input.modules.includes('vhost_vdpa')) {
    out.push(
      finding(
        'vdpa',
        'warning',
        'host',
        `vhost_vdpa is not loaded: ${off.length} vDPA device(s) have no /dev/vhost-vdpa-N for a VM`,
        off.map((d) => `vdpa dev ${d.name} (mgmtdev ${d.mgmtdev}): driver ${d.driver ?? '(none)'}`),
        [
          'modprobe vhost_vdpa, then bind each device (vfleet host apply does both)',
          'Load it at every boot: echo vhost_vdpa > /etc/modules-load.d/vhost_vdpa.conf',
        ],
      ),
    );
  } else if (off.length > 0) {
    out.push(
      finding(
        'vdpa',
        'info',
        'host',
        `${off.length} vDPA device(s) are not on vhost_vdpa: a VM cannot use them`,
        off.map((d) => `vdpa dev ${d.name} (mgmtdev ${d.mgmtdev}): driver ${d.driver ?? '(none)'}`),
        [
          'echo vhost_vdpa > /sys/bus/vdpa/devices/NAME/driver_override, unbind it from its driver, then echo NAME > /sys/bus/vdpa/drivers/vhost_vdpa/bind (vfleet host apply does it for declared devices)',
        ],
      ),
    );
  }
  const mgmt = new Set(input.inventory.vdpa.mgmtdevs.map((m) => m.name));
  for (const pf of input.inventory.pfs) {
    if (pf.driver !== 'mlx5_core' || pf.eswitchMode !== 'switchdev') continue;
    const kernelVfs = pf.vfs.filter((v) => v.driver === 'mlx5_core');
    if (kernelVfs.length === 0 || kernelVfs.some((v) => mgmt.has(`pci/${v.pciAddress}`))) continue;
    out.push(
      finding(
        'vdpa',
        'info',
        pf.pciAddress,
        'its VFs have no vDPA management device: no vDPA device can be made on them',
        [esw(pf), `vdpa mgmtdev show: no pci/${kernelVfs[0]?.pciAddress ?? '?'}`],
        input.modules.includes('mlx5_vdpa')
          ? [
              'mlx5_vdpa is loaded but offers no VF: vDPA needs ConnectX-6 Dx or later, and VFs on mlx5_core',
            ]
          : [
              'modprobe mlx5_vdpa (ConnectX-6 Dx or later), and echo mlx5_vdpa > /etc/modules-load.d/mlx5_vdpa.conf',
            ],
      ),
    );
  }
  return out;
}
