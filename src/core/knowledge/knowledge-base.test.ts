import { describe, expect, it } from 'vitest';
import { labCaptureLines } from '../../testing/doctor-input.js';
import { DOCTOR_CHECKS } from '../vocabulary.js';
import { KNOWLEDGE_SOURCES } from './entry.js';
import { KNOWLEDGE_BASE, explainText, matchKernelLog } from './knowledge-base.js';

const labLine = (needle: string) => {
  const line = labCaptureLines('dmesg.txt').find((l) => l.includes(needle));
  if (line === undefined) throw new Error(`lab dmesg has no line with ${needle}`);
  return line;
};

// [error text as people meet it, entry that must come first]
const KNOWN: readonly (readonly [string, string])[] = [
  ['igb 0000:04:00.0: not enough MMIO resources for SR-IOV', 'sriov-mmio'],
  ['ixgbe 0000:04:00.0: Failed to enable PCI sriov: -12', 'sriov-mmio'],
  ['-bash: echo: write error: Cannot allocate memory', 'sriov-mmio'],
  [
    "pci 0000:81:00.0: VF BAR 0 [mem size 0x00200000 64bit pref]: can't assign; no space",
    'sriov-mmio',
  ],
  ['pci 0000:03:00.0: SR-IOV: bus number out of range', 'sriov-bus-range'],
  ["Error: mlx5_core: Can't change mode while VFs are bound.", 'eswitch-mode-vfs-bound'],
  [
    'ice 0000:17:00.0: Changing eswitch mode is allowed only if there is no VFs created',
    'eswitch-mode-vfs-bound',
  ],
  [
    'vdpa dev add name vdpa-0000:08:00.2 mgmtdev pci/0000:08:00.2: kernel answers: No such device',
    'vdpa-no-mgmtdev',
  ],
  [
    "qemu-system-x86_64: -netdev vhost-vdpa,vhostdev=/dev/vhost-vdpa-0,id=hostnet0: Could not open '/dev/vhost-vdpa-0': No such file or directory",
    'vhost-vdpa-missing',
  ],
  ["pci 0000:81:00.0: can't enable 64 VFs (bus 82 out of range of [bus 81])", 'sriov-bus-range'],
  ['-bash: echo: write error: Device or resource busy', 'sriov-numvfs-busy'],
  ['igb 0000:01:00.0: 4 VFs already enabled. Disable before enabling 2 VFs', 'sriov-numvfs-busy'],
  [labLine('PF still in reset state'), 'vf-pf-reset'],
  ['ixgbevf 0000:03:10.0: PF still in reset state.  Is the PF interface up?', 'vf-pf-reset'],
  [labLine('Reload the VF driver'), 'vf-mac-reload'],
  [labLine('Assigning random MAC address'), 'vf-random-mac'],
  ['igb 0000:01:00.0: Spoof event(s) detected on VF 3', 'vf-spoof'],
  ['RTNETLINK answers: Operation not supported', 'ip-vf-not-supported'],
  ['RTNETLINK answers: Invalid argument', 'ip-vf-invalid'],
  ['RTNETLINK answers: Protocol not supported', 'ip-vf-vlan-proto'],
  ['Cannot find device "ens1f0"', 'ip-no-device'],
  ['RTNETLINK answers: Operation not permitted', 'ip-not-permitted'],
  [
    'vfio: error getting device from group 11: Device or resource busy\nVerify all devices in group 11 are bound to vfio-<bus> or pci-stub and not already in use',
    'qemu-vfio-device-busy',
  ],
  [
    'qemu-system-x86_64: -device vfio-pci,host=0000:04:10.0: vfio 0000:04:10.0: failed to open /dev/vfio/11: Permission denied',
    'qemu-vfio-permission',
  ],
  ['-bash: echo: write error: No such device', 'vfio-bind-no-device'],
  ['error: internal error: missing IFLA_VF_INFO in netlink response', 'libvirt-ifla-vf-info'],
  [
    "error: unsupported configuration: host doesn't support passthrough of host PCI devices",
    'libvirt-no-pci-passthrough',
  ],
  ["unsupported configuration: host doesn't support VFIO PCI passthrough", 'libvirt-no-vfio'],
  [
    'QEMU: Checking if IOMMU is enabled by kernel : WARN (IOMMU appears to be disabled in kernel. Add intel_iommu=on to kernel cmdline arguments)',
    'libvirt-host-validate-iommu',
  ],
  [
    'Requested operation is not valid: PCI device 0000:04:10.1 is in use by driver QEMU, domain instance-00000001',
    'libvirt-pci-in-use',
  ],
  ['vfio: No available IOMMU models', 'qemu-no-iommu-models'],
  [
    'vfio: error, group 11 is not viable, please ensure all devices within the iommu_group are bound to their vfio bus driver.',
    'qemu-group-not-viable',
  ],
  ['VFIO group is not viable', 'qemu-group-not-viable'],
  ['DMAR: IOMMU disabled', 'iommu-disabled'],
  ['IOMMU not found', 'iommu-disabled'],
  [
    'vfio_iommu_type1_attach_group: No interrupt remapping support.  Use the module param "allow_unsafe_interrupts" to enable VFIO IOMMU support on this platform',
    'vfio-unsafe-interrupts',
  ],
  ['vfio_pin_pages_remote: RLIMIT_MEMLOCK (65536) exceeded', 'vfio-memlock'],
  ['vfio-pci: probe of 0000:01:10.6 failed with error -22', 'vfio-no-iommu-group'],
  [
    'DMAR: [DMA Read NO_PASID] Request device [01:10.2] fault addr 0xfffe0000 [fault reason 0x06] PTE Read access is not set',
    'iommu-dma-fault',
  ],
  [labLine('AMD IOMMUv2'), 'amd-iommuv2-absent'],
  [
    'Binding failed for port 5d1f, please check neutron logs for more information. binding:vif_type=binding_failed',
    'openstack-binding-failed',
  ],
  [
    'PCI device not found for request ID 4a5d1c2e-0000-0000-0000-000000000000',
    'openstack-pci-request',
  ],
  ['No valid host was found. There are not enough hosts available.', 'openstack-no-valid-host'],
];

describe('the knowledge base', () => {
  it('has unique ids, known sources and doctor checks, and stateless case-insensitive patterns', () => {
    const ids = KNOWLEDGE_BASE.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of KNOWLEDGE_BASE) {
      expect(KNOWLEDGE_SOURCES).toContain(e.source);
      for (const c of e.doctorChecks ?? []) expect(DOCTOR_CHECKS).toContain(c);
      for (const p of [...e.patterns, ...(e.textOnlyPatterns ?? [])]) {
        expect(p.flags, `${e.id}: ${p.source}`).toContain('i');
        expect(p.flags, `${e.id}: ${p.source}`).not.toContain('g');
      }
      expect(e.fix.length, e.id).toBeGreaterThan(0);
    }
  });

  it.each(KNOWN)('explains %j as %s', (text, id) => {
    const matches = explainText(text);
    expect(matches[0]?.entry.id).toBe(id);
    expect(matches[0]?.matched[0]).toBeTruthy();
    // The matched text is quoted back to the user: it comes from the input (spaces collapsed).
    const squash = (t: string) => t.replace(/\s+/g, ' ').toLowerCase();
    expect(squash(text)).toContain(squash(matches[0]?.matched[0] ?? ''));
  });

  it('ignores case and line breaks inside a pasted message', () => {
    expect(explainText('NOT ENOUGH MMIO RESOURCES FOR SR-IOV')[0]?.entry.id).toBe('sriov-mmio');
    expect(
      explainText("error: host doesn't support\n  passthrough of host PCI devices")[0]?.entry.id,
    ).toBe('libvirt-no-pci-passthrough');
  });

  it('finds every known error in a pasted log excerpt', () => {
    const ids = explainText(
      'RTNETLINK answers: Operation not supported\nvfio: No available IOMMU models\n',
    ).map((m) => m.entry.id);
    expect(ids).toEqual(expect.arrayContaining(['ip-vf-not-supported', 'qemu-no-iommu-models']));
  });

  it('matches nothing for unknown text', () => {
    expect(explainText('the quick brown fox jumps over the lazy dog')).toEqual([]);
    expect(explainText('Device or resource busy while mounting /home')).toEqual([]);
  });
});

describe('matchKernelLog on the real lab boot log', () => {
  const lines = labCaptureLines('dmesg.txt');
  const found = new Map([...matchKernelLog(lines)].map(([e, l]) => [e.id, l]));

  it('reports each igbvf "PF still in reset" / "PF still resetting" line', () => {
    const expected = lines.filter((l) => /PF still (in reset state|resetting)/.test(l));
    expect(expected.length).toBeGreaterThan(0);
    expect(found.get('vf-pf-reset')).toEqual(expected);
  });

  it('raises nothing above info on a healthy host, and skips explain-only entries', () => {
    const alarming = [...matchKernelLog(lines)].filter(([e]) => e.kernelLogSeverity !== 'info');
    expect(alarming.map(([e]) => e.id)).toEqual([]);
    expect(found.has('amd-iommuv2-absent')).toBe(false);
    expect(explainText(lines.join('\n')).map((m) => m.entry.id)).toContain('amd-iommuv2-absent');
  });

  it('uses only strict patterns: a bare "Device or resource busy" line is not reported', () => {
    expect(matchKernelLog(['Device or resource busy']).size).toBe(0);
    expect(
      [
        ...matchKernelLog([
          'pci 0000:01:00.0: 4 VFs already enabled. Disable before enabling 2 VFs',
        ]).keys(),
      ].map((e) => e.id),
    ).toEqual(['sriov-numvfs-busy']);
  });
});
