import { describe, expect, it } from 'vitest';
import { createExecRunner } from '../adapters/exec/exec-runner.js';
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
  relay: ['/usr/bin/node', '/src/vfleet/dist/lab/guestfwd-relay.js'],
};

const values = (args: string[], flag: string) =>
  args.flatMap((a, i) => (args[i - 1] === flag ? [a] : []));

describe('qemuArgs', () => {
  it('shares a node_modules that lives outside the repo read-only, and nothing more without one', () => {
    const plain = values(qemuArgs(parseUpOptions({}), FILES), '-fsdev');
    expect(plain.some((f) => f.includes('fsmodules'))).toBe(false);
    const args = qemuArgs(parseUpOptions({}), { ...FILES, modulesDir: '/src/main/node_modules' });
    expect(values(args, '-fsdev')).toContain(
      'local,id=fsmodules,path=/src/main/node_modules,security_model=none,readonly=on',
    );
    expect(values(args, '-device')).toContain(
      'virtio-9p-pci,fsdev=fsmodules,mount_tag=modules,bus=pcie.0',
    );
  });

  it("shares the host's /usr read-only and tells init so, only for a guest with libvirt", () => {
    const plain = qemuArgs(parseUpOptions({}), FILES);
    expect(values(plain, '-fsdev').some((f) => f.includes('path=/usr,'))).toBe(false);
    expect(kernelCmdline(parseUpOptions({}))).not.toContain('vfleet.libvirt');
    const opts = parseUpOptions({ libvirt: 'true' });
    const args = qemuArgs(opts, FILES);
    expect(values(args, '-fsdev')).toContain(
      'local,id=fshostusr,path=/usr,security_model=none,readonly=on',
    );
    expect(values(args, '-device')).toContain(
      'virtio-9p-pci,fsdev=fshostusr,mount_tag=hostusr,bus=pcie.0',
    );
    expect(kernelCmdline(opts).split(' ')).toContain('vfleet.libvirt=1');
  });

  it('joins a migration link only to its peer, over loopback datagrams, and tells init its number', () => {
    expect(values(qemuArgs(parseUpOptions({}), FILES), '-netdev').join()).not.toContain('dgram');
    const opts = parseUpOptions({ link: { index: 2, localPort: 40002, remotePort: 40001 } });
    const args = qemuArgs(opts, FILES);
    expect(values(args, '-netdev')).toContain(
      'dgram,id=link,local.type=inet,local.host=127.0.0.1,local.port=40002,remote.type=inet,remote.host=127.0.0.1,remote.port=40001',
    );
    expect(values(args, '-device')).toContain(
      'virtio-net-pci,netdev=link,bus=pcie.0,romfile=,mac=52:54:00:4c:00:02',
    );
    expect(kernelCmdline(opts).split(' ')).toContain('vfleet.link=2');
    expect(() =>
      parseUpOptions({ link: { index: 1, localPort: 40001, remotePort: 40001 } }),
    ).toThrow(/link: localPort and remotePort must differ/);
  });

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

  it('shares an image directory read-only, and only when given one', () => {
    const shared = values(qemuArgs(parseUpOptions({ imageDir: '/srv/images' }), FILES), '-fsdev');
    expect(shared).toContain('local,id=fsimages,path=/srv/images,security_model=none,readonly=on');
    expect(values(qemuArgs(parseUpOptions({}), FILES), '-fsdev').join()).not.toContain('fsimages');
    expect(() => parseUpOptions({ imageDir: 'relative' })).toThrow(/imageDir/);
  });

  it('doubles commas inside option values', () => {
    const args = qemuArgs(parseUpOptions({}), { ...FILES, repoDir: '/a,b' });
    expect(values(args, '-fsdev')[0]).toContain('path=/a,,b,');
  });

  it('adds no forward NIC unless asked', () => {
    const devices = values(qemuArgs(parseUpOptions({}), FILES), '-device');
    expect(devices.some((d) => d.startsWith('virtio-net'))).toBe(false);
  });

  it('forwards one guest address to a loopback port through the relay command', async () => {
    const relay = ["/it's here, really/node", '/src/relay.js'];
    const opts = parseUpOptions({ forward: { host: '127.0.0.1', port: 40123 } });
    const args = qemuArgs(opts, { ...FILES, relay });
    const fwd = values(args, '-netdev').filter((n) => n.includes('guestfwd'));
    expect(fwd).toHaveLength(1);
    const m = /^user,id=fwd,restrict=on,ipv6=off,guestfwd=tcp:10\.0\.2\.100:40123-cmd:(.*)$/.exec(
      fwd[0] ?? '',
    );
    expect(m).not.toBeNull();
    // QEMU un-doubles commas, then glib splits the command as a POSIX shell would.
    const cmd = (m?.[1] ?? '').replace(/,,/g, ',');
    const r = await createExecRunner({ path: '/usr/bin:/bin' }).run('sh', [
      '-c',
      `printf '%s\\n' ${cmd}`,
    ]);
    expect(r.stdout.split('\n').slice(0, -1)).toEqual([...relay, '127.0.0.1', '40123']);
    expect(values(args, '-device')).toContain('virtio-net-pci,netdev=fwd,bus=pcie.0,romfile=');
  });
});
