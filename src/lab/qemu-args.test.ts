import { describe, expect, it } from 'vitest';
import { kernelCmdline, qemuArgs } from './qemu-args.js';
import { parseUpOptions } from './lab-options.js';

const FILES = {
  kernel: '/c/vmlinuz',
  initrd: '/c/initrd.img',
  repoDir: '/src/vfleet',
  persistDir: '/c/i/persist',
  serialLog: '/c/i/serial.log',
  agentSocket: '/c/i/agent.sock',
  pidFile: '/c/i/qemu.pid',
};

const values = (args: string[], flag: string) =>
  args.flatMap((a, i) => (args[i - 1] === flag ? [a] : []));

describe('qemuArgs', () => {
  it('puts every second PF behind a NUMA-node-1 expander when asked for two nodes', () => {
    const args = qemuArgs(parseUpOptions({ pfs: 3, numa: 2 }), FILES);
    const devices = values(args, '-device');
    const pxb = devices.findIndex((d) => d.startsWith('pxb-pcie,'));
    expect(devices[pxb]).toContain('numa_node=1');
    expect(devices.filter((d) => d.startsWith('igb,'))).toEqual([
      'igb,netdev=n0,bus=rp0',
      'igb,netdev=n1,bus=rp1',
      'igb,netdev=n2,bus=rp2',
    ]);
    const ports = devices.filter((d) => d.startsWith('pcie-root-port,'));
    expect(ports.map((p) => /bus=([^,]+)/.exec(p)?.[1])).toEqual(['pcie.0', 'pxb1', 'pcie.0']);
    expect(pxb).toBeLessThan(devices.findIndex((d) => d.includes('bus=pxb1')));
    expect(values(args, '-numa')).toEqual([
      'node,nodeid=0,cpus=0,memdev=m0',
      'node,nodeid=1,cpus=1,memdev=m1',
    ]);
  });

  it('plugs every device that is not behind a root port into pcie.0 explicitly', () => {
    const devices = values(qemuArgs(parseUpOptions({ numa: 2 }), FILES), '-device');
    const direct = devices.filter(
      (d) => !/^(igb|virtserialport|intel-iommu)/.test(d) && !d.includes('bus=pxb1'),
    );
    expect(direct.length).toBeGreaterThan(3);
    for (const d of direct) expect(d).toContain('bus=pcie.0');
  });

  it('gives the NICs backends that reach nothing and shares the repo read-only', () => {
    const args = qemuArgs(parseUpOptions({ pfs: 2 }), FILES);
    const netdevs = values(args, '-netdev');
    expect(netdevs).toHaveLength(2);
    for (const n of netdevs) expect(n).toMatch(/^user,.*restrict=on/);
    const fsdevs = values(args, '-fsdev');
    expect(fsdevs.find((f) => f.includes('path=/src/vfleet'))).toContain('readonly=on');
    expect(fsdevs.find((f) => f.includes('path=/c/i/persist'))).not.toContain('readonly');
    expect(args).toContain('-daemonize');
    expect(values(args, '-pidfile')).toEqual(['/c/i/qemu.pid']);
  });

  it('adds the emulated IOMMU only when on, and tells the kernel either way', () => {
    const on = parseUpOptions({ iommu: 'on' });
    const off = parseUpOptions({ iommu: 'off', name: 'b' });
    expect(values(qemuArgs(on, FILES), '-device')).toContain(
      'intel-iommu,intremap=on,caching-mode=on',
    );
    expect(values(qemuArgs(off, FILES), '-device').some((d) => d.startsWith('intel-iommu'))).toBe(
      false,
    );
    expect(kernelCmdline(on)).toContain('intel_iommu=on iommu=pt');
    expect(kernelCmdline(off)).toContain('intel_iommu=off');
    expect(kernelCmdline(off)).toContain('vfleet.lab=b');
  });

  it('doubles commas inside option values', () => {
    const args = qemuArgs(parseUpOptions({}), { ...FILES, repoDir: '/a,b' });
    expect(values(args, '-fsdev')[0]).toContain('path=/a,,b,');
  });
});
