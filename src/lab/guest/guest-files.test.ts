import { describe, expect, it } from 'vitest';
import { createExecRunner } from '../../adapters/exec/exec-runner.js';
import { renderInit, renderInittab, renderVfleetWrapper } from './guest-files.js';

const runner = createExecRunner({ path: '/usr/bin:/bin' });

describe('guest files', () => {
  it.each([
    ['init', renderInit(['igb', 'vfio-pci'])],
    ['vfleet wrapper', renderVfleetWrapper('/usr/bin/node')],
  ])('%s is valid POSIX sh', async (_what, script) => {
    const r = await runner.run('sh', ['-n'], { input: script });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('loads the modules in the order given and leaves SR-IOV alone', () => {
    const init = renderInit(['virtio_pci', 'igb', 'vfio-pci']);
    expect(init).toContain('for m in virtio_pci igb vfio-pci; do');
    expect(init).not.toMatch(/sriov_numvfs|link set (eth|en)/);
    // The 9p shares: the repo read-only, the persistent folder writable behind /etc/vfleet.
    expect(init).toMatch(
      /mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=262144 repo \/mnt\/repo/,
    );
    expect(init).toContain('ln -sfn /var/lib/vfleet-persist/etc /etc/vfleet');
  });

  it('gives only a virtio NIC (the forward NIC) a name and address, never a PF', () => {
    const init = renderInit(['igb', 'virtio_net']);
    expect(init).toContain('= virtio_net ] || continue');
    expect(init).toMatch(/ip link set dev "\$\{n##\*\/\}" name fwd0 &&/);
    expect(init).toContain('/usr/sbin/ip addr add 10.0.2.15/24 dev fwd0');
    expect(init).not.toMatch(/udhcpc|dhclient/);
  });

  it('keeps the agent running under busybox init', () => {
    expect(renderInittab('/usr/bin/node')).toMatch(
      /^::respawn:\/usr\/bin\/node \/opt\/vfleet-lab\/lab\/guest\/guest-agent\.js$/m,
    );
  });
});
