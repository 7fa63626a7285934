import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FixtureHost } from './fixture-host.js';
import { createEmptyFixture } from './fixture-host.js';
import type { IpLinkJson } from './fake-ip-state.js';
import { readIpState, writeIpState } from './fake-ip-state.js';
import { testingAsset } from './testing-assets.js';

export const LAB_CAPTURE_DIR = testingAsset('fixtures/lab-capture');

/**
 * A fixture host made from real kernel output (see fixtures/lab-capture/README.md):
 * every sysfs value, link and `ip -j -d link` field exactly as the kernel printed it.
 */
export async function fixtureFromLabCapture(dir = LAB_CAPTURE_DIR): Promise<FixtureHost> {
  const host = await createEmptyFixture();
  const f = host.files;
  const read = (name: string) => readFile(join(dir, name), 'utf8');
  const links = JSON.parse(await read('ip-j-d-link.json')) as IpLinkJson[];

  for (const line of (await read('sysfs-pci.tsv')).split('\n')) {
    const [path, value] = line.split('\t');
    if (path === undefined || value === undefined || path === '') continue;
    const name = path.split('/').pop() ?? '';
    if (value.startsWith('-> ')) {
      await f.link(path, value.slice(3));
      const target = value.slice(3).split('/').pop() ?? '';
      if (name === 'driver') await f.dir(`/sys/bus/pci/drivers/${target}`);
      if (name === 'iommu_group')
        await f.dir(`/sys/kernel/iommu_groups/${target}/devices/${path.split('/')[5] ?? ''}`);
    } else if (name === 'net' || name === 'msi_irqs') {
      for (const entry of value
        .trim()
        .split(/\s+/)
        .filter((e) => e !== ''))
        await f.dir(`${path}/${entry}`);
    } else {
      await f.file(path, `${value}\n`);
    }
  }
  for (const line of (await read('sysfs-net.tsv')).split('\n')) {
    const [path, value] = line.split('\t');
    // The capture wrote empty speed for down links, where the kernel answers EINVAL.
    if (path === undefined || value === undefined || path === '' || value === '') continue;
    await f.file(path, `${value}\n`);
  }
  for (const l of links) {
    const up = l.flags.includes('UP');
    await f.file(`/sys/class/net/${l.ifname}/flags`, up ? '0x1003\n' : '0x1002\n');
    if (up)
      await f.file(
        `/sys/class/net/${l.ifname}/carrier`,
        l.flags.includes('LOWER_UP') ? '1\n' : '0\n',
      );
  }
  await f.file('/proc/cmdline', await read('cmdline.txt'));
  await f.file('/proc/sys/kernel/hostname', 'lab\n');
  await f.file('/proc/cpuinfo', 'processor\t: 0\nvendor_id\t: GenuineIntel\n');
  await f.link('/sys/class/iommu/dmar0', '../../devices/virtual/iommu/dmar0');
  await writeFile(join(host.dir, 'dmesg.txt'), await read('dmesg.txt'));

  const state = await readIpState(host.ipStatePath);
  state.links = links;
  // Observed on the real kernel: igb answers "Operation not supported" to `vf N state`.
  state.unsupported = { eth0: ['state'], eth1: ['state'] };
  state.rateNeedsCarrier = ['eth0', 'eth1'];
  await writeIpState(host.ipStatePath, state);
  return host;
}
