import { describe, expect, it } from 'vitest';
import { labCaptureLines, makeInput, makeInventory, makePf } from '../../testing/doctor-input.js';
import { checkSriovFirmware, checkTotalVfs } from './rules-sriov.js';

// As seen on an ixgbe host whose BIOS had SR-IOV off.
const MMIO_LOG = [
  '[   12.1] ixgbe 0000:04:00.0: not enough MMIO resources for SR-IOV',
  '[   12.1] ixgbe 0000:04:00.0: Failed to enable PCI sriov: -12',
];

describe('checkSriovFirmware', () => {
  it('turns MMIO -12 lines into an error on that PF with the pci=realloc grub edit', () => {
    const input = makeInput({
      kernelLog: { source: 'dmesg', lines: MMIO_LOG },
      inventory: makeInventory([makePf({ pciAddress: '0000:04:00.0', numVfs: 0, vfs: [] })]),
    });
    const [f, ...rest] = checkSriovFirmware(input);
    expect(rest).toEqual([]);
    expect(f?.severity).toBe('error');
    expect(f?.subject).toBe('0000:04:00.0');
    expect(f?.evidence).toEqual(MMIO_LOG.map((l) => `dmesg: ${l}`));
    expect(f?.fix?.[0]).toMatch(/firmware setup enable SR-IOV/);
    expect(f?.fix).toContain('    GRUB_CMDLINE_LINUX="pci=realloc"');
  });

  it('does not suggest pci=realloc again when it is already on the command line', () => {
    const input = makeInput({
      cmdline: 'ro intel_iommu=on pci=realloc',
      kernelLog: { source: 'dmesg', lines: MMIO_LOG },
    });
    const fix = checkSriovFirmware(input)[0]?.fix?.join('\n') ?? '';
    expect(fix).toContain('pci=realloc is already on the kernel command line');
    expect(fix).not.toContain('GRUB_CMDLINE_LINUX');
  });

  it('downgrades to a warning when the PF has VFs now (the failure was earlier this boot)', () => {
    const input = makeInput({
      kernelLog: { source: 'dmesg', lines: MMIO_LOG },
      inventory: makeInventory([makePf({ pciAddress: '0000:04:00.0', numVfs: 2 })]),
    });
    expect(checkSriovFirmware(input)[0]?.severity).toBe('warning');
  });

  it('reports bus-number exhaustion with pci=assign-busses', () => {
    const line = "pci 0000:81:00.0: can't enable 64 VFs (bus 82 out of range of [bus 81])";
    const [f] = checkSriovFirmware(makeInput({ kernelLog: { source: 'dmesg', lines: [line] } }));
    expect(f?.subject).toBe('0000:81:00.0');
    expect(f?.fix).toContain('    GRUB_CMDLINE_LINUX="pci=assign-busses"');
  });

  it('finds nothing in the healthy lab log', () => {
    expect(
      checkSriovFirmware(
        makeInput({ kernelLog: { source: 'dmesg', lines: labCaptureLines('dmesg.txt') } }),
      ),
    ).toEqual([]);
  });
});

describe('checkTotalVfs', () => {
  it('warns about a PF whose SR-IOV capability offers 0 VFs', () => {
    const [f] = checkTotalVfs(
      makeInput({ inventory: makeInventory([makePf({ totalVfs: 0, numVfs: 0, vfs: [] })]) }),
    );
    expect(f?.severity).toBe('warning');
    expect(f?.evidence).toEqual(['/sys/bus/pci/devices/0000:01:00.0/sriov_totalvfs: 0']);
    expect(f?.fix?.join('\n')).toContain('SRIOV_EN=1');
  });

  it('is ok with the VF counts otherwise', () => {
    const [f] = checkTotalVfs(
      makeInput({ inventory: makeInventory([makePf({ totalVfs: 7, numVfs: 4 })]) }),
    );
    expect(f?.severity).toBe('ok');
    expect(f?.title).toBe('SR-IOV ready: 4 of 7 VFs created');
  });
});
