import { afterEach, describe, expect, it } from 'vitest';
import { scanHost } from '../host/scan.js';
import type { FixtureHost } from './fixture-host.js';
import { buildFixtureHost } from './fixture-host.js';
import { createSimulatedKernelFs } from './simulated-kernel-fs.js';

let host: FixtureHost | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

const numvfs = '/sys/bus/pci/devices/0000:01:00.0/sriov_numvfs';

describe('simulated kernel (behaviour seen on the real kernel in the lab capture)', () => {
  it('creates VFs bound to the kernel VF driver with netdevs and vfinfo entries', async () => {
    host = await buildFixtureHost({ pfs: [{ pciAddress: '0000:01:00.0', ifname: 'eth0' }] });
    const k = createSimulatedKernelFs(host);
    await k.fs.writeText(numvfs, '4\n');
    const inv = await scanHost({ fs: k.fs, runner: host.runner });
    const vfs = inv.pfs[0]?.vfs ?? [];
    expect(vfs.map((v) => [v.pciAddress, v.driver, v.spoofchk, v.mac])).toEqual([
      ['0000:01:10.0', 'igbvf', true, '00:00:00:00:00:00'],
      ['0000:01:10.2', 'igbvf', true, '00:00:00:00:00:00'],
      ['0000:01:10.4', 'igbvf', true, '00:00:00:00:00:00'],
      ['0000:01:10.6', 'igbvf', true, '00:00:00:00:00:00'],
    ]);
    expect(vfs.every((v) => v.netdev !== null)).toBe(true);
  });

  it('refuses N -> M with EBUSY and destroys every VF on 0', async () => {
    host = await buildFixtureHost({ pfs: [{ pciAddress: '0000:01:00.0', vfs: 4 }] });
    const k = createSimulatedKernelFs(host);
    await expect(k.fs.writeText(numvfs, '2\n')).rejects.toMatchObject({
      details: { errno: 'EBUSY' },
    });
    await expect(k.fs.writeText(numvfs, '8\n')).rejects.toMatchObject({
      details: { errno: 'ERANGE' },
    });
    await k.fs.writeText(numvfs, '0\n');
    const inv = await scanHost({ fs: k.fs, runner: host.runner });
    expect(inv.pfs[0]?.numVfs).toBe(0);
    expect(await host.fs.listDir('/sys/bus/pci/devices')).toEqual(['0000:01:00.0']);
    expect((await host.ipState()).links.map((l) => l.ifname)).toEqual(['pf01']);
  });

  it('rebinds a VF to vfio-pci through driver_override, unbind and drivers_probe, and back', async () => {
    host = await buildFixtureHost({ pfs: [{ pciAddress: '0000:01:00.0', vfs: 1 }] });
    const k = createSimulatedKernelFs(host);
    const vf = '/sys/bus/pci/devices/0000:01:10.0';
    await k.fs.writeText(`${vf}/driver_override`, 'vfio-pci');
    await k.fs.writeText(`${vf}/driver/unbind`, '0000:01:10.0');
    await k.fs.writeText('/sys/bus/pci/drivers_probe', '0000:01:10.0');
    let v = (await scanHost({ fs: k.fs, runner: host.runner })).pfs[0]?.vfs[0];
    expect([v?.driver, v?.netdev, v?.driverOverride]).toEqual(['vfio-pci', null, 'vfio-pci']);
    await k.fs.writeText(`${vf}/driver_override`, '\n');
    await k.fs.writeText(`${vf}/driver/unbind`, '0000:01:10.0');
    await k.fs.writeText('/sys/bus/pci/drivers_probe', '0000:01:10.0');
    v = (await scanHost({ fs: k.fs, runner: host.runner })).pfs[0]?.vfs[0];
    expect([v?.driver, v?.driverOverride]).toEqual(['igbvf', null]);
    expect(v?.netdev).not.toBeNull();
  });

  it('binds drivers only after a delay when asked, like the asynchronous kernel', async () => {
    host = await buildFixtureHost({ pfs: [{ pciAddress: '0000:01:00.0' }] });
    const k = createSimulatedKernelFs(host, { probeDelayMs: 50 });
    await k.fs.writeText(numvfs, '2');
    expect(
      (await scanHost({ fs: k.fs, runner: host.runner })).pfs[0]?.vfs.map((v) => v.driver),
    ).toEqual([null, null]);
    await k.settled();
    expect(
      (await scanHost({ fs: k.fs, runner: host.runner })).pfs[0]?.vfs.map((v) => v.driver),
    ).toEqual(['igbvf', 'igbvf']);
  });
});
