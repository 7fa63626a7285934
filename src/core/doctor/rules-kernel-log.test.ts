import { describe, expect, it } from 'vitest';
import { labCaptureLines, makeInput, makeInventory } from '../../testing/doctor-input.js';
import { checkInventory, checkKernelLog } from './rules-kernel-log.js';

describe('checkKernelLog', () => {
  it('reports an unreadable kernel log as info with the reason, never as a crash', () => {
    const [f] = checkKernelLog(
      makeInput({
        kernelLog: null,
        kernelLogProblem:
          'dmesg exited with 1: dmesg: read kernel buffer failed: Operation not permitted',
      }),
    );
    expect(f?.severity).toBe('info');
    expect(f?.evidence).toEqual([
      'dmesg exited with 1: dmesg: read kernel buffer failed: Operation not permitted',
    ]);
  });

  it('explains the igbvf "Is the PF interface up?" lines of the lab log, quoting them', () => {
    const lines = labCaptureLines('dmesg.txt');
    const expected = lines.filter((l) => /PF still (in reset state|resetting)/.test(l));
    const f = checkKernelLog(makeInput({ kernelLog: { source: 'dmesg', lines } })).find(
      (x) => x.id === 'kernel-log:vf-pf-reset',
    );
    expect(f?.severity).toBe('info');
    expect(f?.title).toContain(`(${expected.length} line(s))`);
    expect(f?.evidence.slice(0, 5)).toEqual(expected.slice(0, 5).map((l) => `dmesg: ${l}`));
    expect(f?.evidence[5]).toBe(`... and ${expected.length - 5} more line(s)`);
    expect(f?.fix?.[0]).toMatch(/^Cause: /);
  });

  it('leaves firmware and IOMMU lines to their own checks, and reports other known errors', () => {
    const lines = [
      'ixgbe 0000:04:00.0: not enough MMIO resources for SR-IOV',
      'DMAR: IOMMU disabled',
      'igb 0000:01:00.0: Spoof event(s) detected on VF 3',
    ];
    const ids = checkKernelLog(
      makeInput({ kernelLog: { source: '/var/log/kern.log', lines } }),
    ).map((f) => f.id);
    expect(ids).toEqual(['kernel-log:vf-spoof']);
  });
});

describe('checkInventory', () => {
  it('is an error when the scan failed, a warning when no PF exists', () => {
    const failed = checkInventory(
      makeInput({ inventory: makeInventory([]), inventoryProblem: 'ip: not found on PATH' }),
    );
    expect(failed.map((f) => f.severity)).toEqual(['error']);
    expect(
      checkInventory(makeInput({ inventory: makeInventory([]) })).map((f) => f.severity),
    ).toEqual(['warning']);
    expect(checkInventory(makeInput())).toEqual([]);
  });
});
