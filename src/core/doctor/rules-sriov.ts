import type { KnowledgeEntry } from '../knowledge/entry.js';
import { knowledgeEntry, matchKernelLog } from '../knowledge/knowledge-base.js';
import { normalizePciAddress } from '../pci-address.js';
import type { Finding } from './finding.js';
import { HOST_SUBJECT, capLines, finding } from './finding.js';
import { grubEditSteps } from './grub-edit.js';
import { hasKernelArg } from './host-text.js';
import type { DoctorInput } from './input.js';

/** Knowledge entries this check reports itself (the kernel-log check skips them). */
export const FIRMWARE_ENTRY_IDS = ['sriov-mmio', 'sriov-bus-range'] as const;

/** The kernel argument that works around each firmware shortfall. */
const WORKAROUND_ARG: Readonly<Record<(typeof FIRMWARE_ENTRY_IDS)[number], string>> = {
  'sriov-mmio': 'pci=realloc',
  'sriov-bus-range': 'pci=assign-busses',
};

const PCI_IN_LINE = /\b([0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7])\b/i;

/** SR-IOV refused by the firmware: MMIO windows or bus numbers too small for the VFs. */
export function checkSriovFirmware(input: DoctorInput): Finding[] {
  if (input.kernelLog === null) return [];
  const entries = FIRMWARE_ENTRY_IDS.map((id) => knowledgeEntry(id)).filter(
    (e): e is KnowledgeEntry => e !== undefined,
  );
  const out: Finding[] = [];
  for (const [entry, lines] of matchKernelLog(input.kernelLog.lines, entries)) {
    const bySubject = new Map<string, string[]>();
    for (const line of lines) {
      const addr = normalizePciAddress(PCI_IN_LINE.exec(line)?.[1] ?? '') ?? HOST_SUBJECT;
      bySubject.set(addr, [...(bySubject.get(addr) ?? []), line]);
    }
    const arg = WORKAROUND_ARG[entry.id as (typeof FIRMWARE_ENTRY_IDS)[number]];
    const argFix = hasKernelArg(input.cmdline, arg)
      ? [
          `${arg} is already on the kernel command line: the firmware settings or a BIOS update are the way left`,
        ]
      : [`Or boot with ${arg}:`, ...grubEditSteps([arg], input.grubDefault, input.osFamily)];
    for (const [subject, subjectLines] of bySubject) {
      const pf = input.inventory.pfs.find((p) => p.pciAddress === subject);
      // VFs exist now (fewer were asked for later): the failure is history, not a blocker.
      const severity = pf !== undefined && pf.numVfs > 0 ? 'warning' : 'error';
      out.push(
        finding(
          'sriov-firmware',
          severity,
          subject,
          `${entry.title}${severity === 'warning' ? ` (earlier this boot; ${pf?.numVfs ?? 0} VFs exist now)` : ''}`,
          capLines(subjectLines.map((l) => `${input.kernelLog?.source ?? 'kernel log'}: ${l}`)),
          [
            ...entry.fix.slice(0, 1),
            ...argFix,
            'Then create the VFs again: echo 0 > sriov_numvfs, then echo N > sriov_numvfs',
          ],
        ),
      );
    }
  }
  return out;
}

/** A PF whose SR-IOV capability offers no VFs: switched off in the BIOS or NIC firmware. */
export function checkTotalVfs(input: DoctorInput): Finding[] {
  return input.inventory.pfs.map((pf) => {
    const file = `/sys/bus/pci/devices/${pf.pciAddress}/sriov_totalvfs`;
    if (pf.totalVfs > 0)
      return finding(
        'sriov-totalvfs',
        'ok',
        pf.pciAddress,
        `SR-IOV ready: ${pf.numVfs} of ${pf.totalVfs} VFs created`,
        [
          `${file}: ${pf.totalVfs}`,
          `/sys/bus/pci/devices/${pf.pciAddress}/sriov_numvfs: ${pf.numVfs}`,
        ],
      );
    return finding(
      'sriov-totalvfs',
      'warning',
      pf.pciAddress,
      'SR-IOV capable, but the device offers 0 VFs',
      [`${file}: 0`],
      [
        'Enable SR-IOV for this slot/NIC in the firmware setup (some BIOSes have a per-device switch)',
        'Enable it in the NIC firmware too (mlx5: mlxconfig -d <pf> set SRIOV_EN=1 NUM_OF_VFS=<n>; Broadcom/Intel: the NIC setup in the BIOS or the vendor tool), then power-cycle',
      ],
    );
  });
}
