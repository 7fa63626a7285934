import type { Finding } from './finding.js';
import { finding } from './finding.js';
import type { DoctorInput } from './input.js';

const dev = (addr: string) => `/sys/bus/pci/devices/${addr}`;

/** Which CPUs are local to each PF: VF interrupts and the guest's vCPUs belong there. */
export function checkPfCpus(input: DoctorInput): Finding[] {
  return input.inventory.pfs.flatMap((pf) => {
    if (pf.localCpus === null) return [];
    const node = pf.numaNode === null ? 'no NUMA node reported' : `NUMA node ${pf.numaNode}`;
    const name = pf.ifname ?? pf.pciAddress;
    return [
      finding(
        'pf-cpus',
        'info',
        pf.pciAddress,
        `CPUs local to ${name}: ${pf.localCpus} (${node})`,
        [
          `${dev(pf.pciAddress)}/local_cpulist: ${pf.localCpus}`,
          `${dev(pf.pciAddress)}/numa_node: ${pf.numaNode ?? -1}`,
        ],
        [
          `Pin the vCPUs of VMs using these VFs to the local CPUs ${pf.localCpus} (libvirt <vcpupin>, nova cpu_dedicated_set)`,
          `Pin the VF interrupts there too (/proc/irq/<n>/smp_affinity_list = ${pf.localCpus})`,
        ],
      ),
    ];
  });
}

/** numa_node -1 on a multi-node host: placement by NUMA cannot work for this PF. */
export function checkPfNuma(input: DoctorInput): Finding[] {
  if (input.numaNodes === null || input.numaNodes < 2) return [];
  return input.inventory.pfs.flatMap((pf) =>
    pf.numaNode !== null
      ? []
      : [
          finding(
            'pf-numa',
            'info',
            pf.pciAddress,
            `The kernel does not know the NUMA node of this PF (numa_node -1 on a ${input.numaNodes}-node host)`,
            [
              `${dev(pf.pciAddress)}/numa_node: -1`,
              `/sys/devices/system/node: ${input.numaNodes} nodes`,
            ],
            [
              'The firmware does not describe the slot locality (ACPI _PXM/SRAT): check BIOS NUMA/SNC settings or update it',
              "Schedulers cannot enforce a 'required' NUMA policy for these VFs; use 'preferred' or 'legacy'",
            ],
          ),
        ],
  );
}
