import { afterEach, describe, expect, it } from 'vitest';
import { runDoctor } from '../core/doctor/run-doctor.js';
import { VfleetError } from '../core/errors.js';
import type { CommandRunner } from '../core/ports.js';
import { labCaptureLines } from '../testing/doctor-input.js';
import { fixtureFromLabCapture } from '../testing/fixture-from-capture.js';
import type { FixtureHost } from '../testing/fixture-host.js';
import { buildFixtureHost } from '../testing/fixture-host.js';
import { gatherDoctorInput } from './doctor.js';

let host: FixtureHost | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

const io = (h: FixtureHost, runner: CommandRunner = h.runner) => ({ fs: h.fs, runner });

/** The fixture's programs, except dmesg, which answers as given. */
const dmesgAnswers = (
  h: FixtureHost,
  answer: () => Promise<{ exitCode: number; stdout: string; stderr: string }>,
): CommandRunner => ({
  run: (command, args, options) =>
    command === 'dmesg' ? answer() : h.runner.run(command, args, options),
});

describe('gatherDoctorInput on the real lab capture', () => {
  it('finds the IOMMU on, vfio-pci loaded, the igbvf reset lines and no errors', async () => {
    host = await fixtureFromLabCapture();
    for (const n of labCaptureLines('numa.txt').filter((l) => /^node\d+$/.test(l)))
      await host.files.dir(`/sys/devices/system/node/${n}`);
    const input = await gatherDoctorInput(io(host));
    expect(input.cmdline).toBe('console=ttyS0 quiet panic=-1 intel_iommu=on iommu=pt');
    expect(input.cpuVendor).toBe('intel');
    expect(input.kernelLog?.source).toBe('dmesg');
    expect(input.kernelLog?.lines).toEqual(labCaptureLines('dmesg.txt'));
    expect(input.numaNodes).toBe(2);
    expect(input.inventory.pfs.map((p) => p.pciAddress)).toEqual(['0000:01:00.0', '0000:81:00.0']);

    const report = runDoctor(input);
    const by = (id: string) => report.findings.filter((f) => f.id === id);
    expect(report.summary.error).toBe(0);
    expect(by('iommu')[0]?.severity).toBe('ok');
    expect(by('iommu-pt')[0]?.severity).toBe('ok');
    expect(by('vfio-pci')[0]?.title).toBe('vfio-pci is loaded (1 VF(s) bound to it)');
    expect(by('kernel-log:vf-pf-reset')[0]?.severity).toBe('info');
    expect(by('driver-vf-features').map((f) => f.subject)).toEqual([
      '0000:01:00.0',
      '0000:81:00.0',
    ]);
    expect(by('pf-cpus').map((f) => f.title)).toEqual([
      'CPUs local to eth0: 0-1 (no NUMA node reported)',
      'CPUs local to eth1: 1 (NUMA node 1)',
    ]);
    expect(by('pf-numa').map((f) => f.subject)).toEqual(['0000:01:00.0']);
  });
});

describe('gatherDoctorInput on fixture hosts', () => {
  it.each([
    ['a QEMU guest', 'fpu vme hypervisor', 'QEMU', /hypervisor must expose a virtual IOMMU/],
    ['bare metal', 'fpu vme', 'Dell Inc.', /firmware \(BIOS\/UEFI\) setup/],
  ])('IOMMU off on %s: the fix fits where it runs', async (_what, flags, vendor, fix) => {
    host = await buildFixtureHost({
      iommu: false,
      cmdline: 'BOOT_IMAGE=/vmlinuz ro quiet',
      pfs: [{ pciAddress: '0000:01:00.0', vfs: 1 }],
    });
    await host.files.file('/proc/cpuinfo', `vendor_id\t: GenuineIntel\nflags\t\t: ${flags}\n`);
    await host.files.file('/sys/class/dmi/id/sys_vendor', `${vendor}\n`);
    const input = await gatherDoctorInput(io(host));
    expect(input.virtualisation !== null).toBe(flags.includes('hypervisor'));
    const iommu = runDoctor(input).findings.find((f) => f.id === 'iommu');
    expect(iommu?.severity).toBe('error');
    expect(iommu?.fix?.[0]).toMatch(fix);
  });

  it('reports the IOMMU off on an AMD host with the AMD grub edit from the host files', async () => {
    host = await buildFixtureHost({
      iommu: false,
      cpuVendor: 'AuthenticAMD',
      cmdline: 'BOOT_IMAGE=/vmlinuz ro quiet',
      pfs: [{ pciAddress: '0000:01:00.0', vfs: 1 }],
    });
    await host.files.file(
      '/etc/default/grub',
      'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX="net.ifnames=0"\n',
    );
    await host.files.file('/etc/os-release', 'ID=ubuntu\nID_LIKE=debian\n');
    const report = runDoctor(await gatherDoctorInput(io(host)));
    const iommu = report.findings.find((f) => f.id === 'iommu');
    expect(iommu?.severity).toBe('error');
    expect(iommu?.fix).toContain('    GRUB_CMDLINE_LINUX="net.ifnames=0 amd_iommu=on iommu=pt"');
    expect(iommu?.fix).toContain('Rebuild the grub configuration: sudo update-grub');
  });

  it('tells a bridge master apart and warns about the Intel PF in it', async () => {
    host = await buildFixtureHost({
      bridges: ['br0'],
      pfs: [{ pciAddress: '0000:01:00.0', master: 'br0', vfs: 1 }],
    });
    const input = await gatherDoctorInput(io(host));
    expect(input.masters).toEqual({ '0000:01:00.0': { name: 'br0', kind: 'bridge' } });
    expect(runDoctor(input).findings.find((f) => f.id === 'pf-bridge')?.severity).toBe('warning');
  });

  it('finds a down PF, a VF without driver and a PF offering 0 VFs', async () => {
    host = await buildFixtureHost({
      pfs: [
        { pciAddress: '0000:01:00.0', up: false, vfs: [{}, { driver: null }] },
        { pciAddress: '0000:02:00.0', totalVfs: 0 },
      ],
    });
    const findings = runDoctor(await gatherDoctorInput(io(host))).findings;
    const pick = (id: string) =>
      findings.filter((f) => f.id === id).map((f) => [f.subject, f.severity]);
    expect(pick('pf-down')).toEqual([['0000:01:00.0', 'warning']]);
    expect(pick('vf-driver')).toEqual([['0000:01:00.0', 'warning']]);
    expect(pick('sriov-totalvfs')).toContainEqual(['0000:02:00.0', 'warning']);
  });

  it('falls back to this boot of /var/log/kern.log when dmesg is not permitted', async () => {
    host = await buildFixtureHost({ pfs: [] });
    await host.files.file(
      '/var/log/kern.log',
      [
        'Nov 20 10:00:00 h kernel: [    0.000000] Linux version 6.1.0-old',
        'Nov 20 10:00:01 h kernel: [    9.0] ixgbe 0000:04:00.0: Failed to enable PCI sriov: -12',
        'Nov 21 10:00:00 h kernel: [    0.000000] Linux version 6.1.0-new',
        'Nov 21 10:00:01 h kernel: [    0.1] DMAR: IOMMU enabled',
        '',
      ].join('\n'),
    );
    const runner = dmesgAnswers(host, () =>
      Promise.resolve({
        exitCode: 1,
        stdout: '',
        stderr: 'dmesg: read kernel buffer failed: Operation not permitted\n',
      }),
    );
    const input = await gatherDoctorInput(io(host, runner));
    expect(input.kernelLog?.source).toBe('/var/log/kern.log');
    expect(input.kernelLog?.lines).toHaveLength(2);
    expect(input.kernelLog?.lines[0]).toContain('6.1.0-new');
    expect(runDoctor(input).findings.some((f) => f.id === 'sriov-firmware')).toBe(false);
  });

  it('reports an unreadable kernel log as a finding when dmesg is missing and there is no kern.log', async () => {
    host = await buildFixtureHost({ pfs: [] });
    const runner = dmesgAnswers(host, () =>
      Promise.reject(new VfleetError('MISSING_DEPENDENCY', 'dmesg: not found on PATH')),
    );
    const input = await gatherDoctorInput(io(host, runner));
    expect(input.kernelLog).toBeNull();
    expect(input.kernelLogProblem).toBe(
      'dmesg: dmesg: not found on PATH; /var/log/kern.log: absent',
    );
    const f = runDoctor(input).findings.find((x) => x.id === 'kernel-log');
    expect(f?.severity).toBe('info');
  });

  it('turns a failed scan into an error finding and still checks the host', async () => {
    host = await buildFixtureHost({ pfs: [] });
    await host.files.remove('/sys/bus/pci/devices');
    await host.files.dir('/sys/kernel/iommu_groups/0/devices');
    // scanHost fails before its `ip` finishes; answer `ip` at once so no process outlives the test.
    const h = host;
    const runner: CommandRunner = {
      run: (command, args, options) =>
        command === 'ip'
          ? Promise.resolve({ exitCode: 0, stdout: '[]', stderr: '' })
          : h.runner.run(command, args, options),
    };
    const report = runDoctor(await gatherDoctorInput(io(host, runner)));
    const inv = report.findings.find((f) => f.id === 'inventory');
    expect(inv?.severity).toBe('error');
    expect(inv?.evidence[0]).toMatch(
      /\/sys\/bus\/pci\/devices does not exist.*\(HOST_READ_FAILED\)/,
    );
    expect(report.findings.find((f) => f.id === 'iommu')?.severity).toBe('ok');
  });
});
