import { mkdtemp, rm, writeFile, chmod, readFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecRunner } from '../adapters/exec/exec-runner.js';
import { createNodeHostFs } from '../adapters/host-fs/node-host-fs.js';
import type { CommandRunner, HostFs } from '../core/ports.js';
import { FixtureFiles } from './fixture-files.js';
import { dev, writeFunction, writeNetdev } from './fixture-layout.js';
import type { FakeIpState } from './fake-ip-state.js';
import { netdevLink, readIpState, writeIpState } from './fake-ip-state.js';
import { createVf, nextEthName, vfAddressFor } from './fixture-vf.js';
import type { FixtureHostSpec } from './fixture-spec.js';
import { pfDefaults } from './fixture-spec.js';
import { testingAsset } from './testing-assets.js';

export interface LoggedCommand {
  readonly command: string;
  readonly argv: readonly string[];
}

/** A fake host on disk: a host root, fake programs on a PATH, and what they recorded. */
export interface FixtureHost {
  readonly dir: string;
  readonly root: string;
  readonly binDir: string;
  readonly ipStatePath: string;
  readonly files: FixtureFiles;
  /** PATH with the fake programs first. */
  readonly path: string;
  readonly fs: HostFs;
  readonly runner: CommandRunner;
  /** Every command the fake programs ran, in order; `ip -batch` lines appear as `ip` with argv ['batch', line]. */
  commands(): Promise<LoggedCommand[]>;
  ipState(): Promise<FakeIpState>;
  cleanup(): Promise<void>;
}

export async function createEmptyFixture(): Promise<FixtureHost> {
  const dir = await mkdtemp(join(tmpdir(), 'vfleet-fixture-'));
  const root = join(dir, 'root');
  const binDir = join(dir, 'bin');
  const log = join(dir, 'commands.log');
  const ipStatePath = join(dir, 'ip-state.json');
  await mkdir(root, { recursive: true });
  await mkdir(binDir, { recursive: true });
  await writeFile(log, '');
  await mkdir(join(root, 'sys/bus/pci/devices'), { recursive: true });
  await mkdir(join(root, 'sys/class/net'), { recursive: true });
  await writeIpState(ipStatePath, { root, log, links: [], unsupported: {} });
  await writeProgram(binDir, 'ip', 'fake-ip.mjs', JSON.stringify(ipStatePath));
  for (const name of ['dmesg', 'modprobe', 'systemctl']) {
    const spec = { name, log, stdoutFile: name === 'dmesg' ? join(dir, 'dmesg.txt') : null };
    await writeProgram(binDir, name, 'fake-recorder.mjs', JSON.stringify(spec));
  }
  const path = `${binDir}:${process.env.PATH ?? ''}`;
  return {
    dir,
    root,
    binDir,
    ipStatePath,
    files: new FixtureFiles(root),
    path,
    fs: createNodeHostFs(root),
    runner: createExecRunner({ path, env: process.env }),
    async commands() {
      const text = await readFile(log, 'utf8');
      return text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { command?: string; argv?: string[]; batch?: string })
        .map((e) =>
          e.batch !== undefined
            ? { command: 'ip', argv: ['batch', e.batch] }
            : { command: e.command ?? 'ip', argv: e.argv ?? [] },
        );
    },
    ipState: () => readIpState(ipStatePath),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

async function writeProgram(
  binDir: string,
  name: string,
  module: string,
  arg: string,
): Promise<void> {
  const target = testingAsset(`bin/${module}`);
  const p = join(binDir, name);
  await writeFile(
    p,
    `#!/usr/bin/env node\nimport(${JSON.stringify(target)}).then((m) => m.main(${arg}, process.argv.slice(2)));\n`,
  );
  await chmod(p, 0o755);
}

/** Builds a fixture host from a compact description (see fixture-spec.ts). */
export async function buildFixtureHost(spec: FixtureHostSpec): Promise<FixtureHost> {
  const host = await createEmptyFixture();
  const f = host.files;
  const ip = await host.ipState();
  let group = 20;
  const iommu = spec.iommu ?? true;
  await f.file(
    '/proc/cmdline',
    `${spec.cmdline ?? (iommu ? 'quiet intel_iommu=on iommu=pt' : 'quiet')}\n`,
  );
  await f.file('/proc/sys/kernel/hostname', `${spec.hostname ?? 'fixture'}\n`);
  await f.file('/proc/sys/kernel/osrelease', `${spec.kernel ?? '6.1.0-fixture'}\n`);
  await f.file(
    '/proc/cpuinfo',
    `processor\t: 0\nvendor_id\t: ${spec.cpuVendor ?? 'GenuineIntel'}\n`,
  );
  await writeFile(join(host.dir, 'dmesg.txt'), spec.dmesg ?? '');
  if (iommu) await f.link('/sys/class/iommu/dmar0', '../../devices/virtual/iommu/dmar0');
  else await f.dir('/sys/class/iommu');
  if (spec.vfioLoaded ?? true) await f.dir('/sys/bus/pci/drivers/vfio-pci');
  if (spec.pciIds !== undefined) await f.file('/usr/share/misc/pci.ids', spec.pciIds);
  for (const br of spec.bridges ?? []) {
    await f.dir(`/sys/class/net/${br}/bridge`);
    ip.links.push(netdevLink(ip.links.length + 1, br, '02:00:00:00:0b:01', true, null));
  }
  for (const raw of spec.pfs) {
    const pf = pfDefaults(raw);
    await writeFunction(f, {
      address: pf.pciAddress,
      vendorId: pf.vendorId,
      deviceId: pf.deviceId,
      numaNode: pf.numaNode,
      localCpus: pf.localCpus,
      iommuGroup: iommu ? group++ : null,
      driver: pf.driver,
    });
    const d = dev(pf.pciAddress);
    await f.file(`${d}/sriov_totalvfs`, pf.totalVfs);
    await f.file(`${d}/sriov_numvfs`, pf.vfs.length);
    await f.file(`${d}/sriov_offset`, pf.offset);
    await f.file(`${d}/sriov_stride`, pf.stride);
    await f.file(`${d}/sriov_vf_device`, `${pf.vfDeviceId}\n`);
    await f.file(`${d}/sriov_drivers_autoprobe`, 1);
    const ifname = pf.ifname;
    if (ifname !== null) {
      await writeNetdev(f, {
        name: ifname,
        address: pf.pciAddress,
        mac: pf.mac,
        up: pf.up,
        carrier: true,
        speed: pf.speed,
        master: pf.master,
      });
      ip.links.push({
        ...netdevLink(ip.links.length + 1, ifname, pf.mac, pf.up, pf.pciAddress),
        vfinfo_list: [],
      });
      if (pf.unsupported.length > 0) ip.unsupported[ifname] = [...pf.unsupported];
      if (pf.driver === 'igb') (ip.rateNeedsCarrier ??= []).push(ifname);
    }
    for (const [index, vf] of pf.vfs.entries()) {
      const driver = vf.driver === undefined ? pf.vfDriver : vf.driver;
      const makesNetdev = driver !== null && driver !== 'vfio-pci' && driver !== 'pci-stub';
      await createVf(f, ip, {
        pfAddress: pf.pciAddress,
        pfIfname: ifname,
        index,
        offset: pf.offset,
        stride: pf.stride,
        vendorId: pf.vendorId,
        vfDeviceId: pf.vfDeviceId,
        numaNode: pf.numaNode,
        localCpus: pf.localCpus,
        iommuGroup: iommu ? group++ : null,
        driver,
        netdev: makesNetdev ? (vf.netdev ?? nextEthName(ip)) : null,
        info: vf.info ?? {},
      });
      if (driver === 'vfio-pci')
        await f.file(`${dev(vfAddr(pf, index))}/driver_override`, 'vfio-pci\n');
      if (!pf.virtfnLinks) await f.remove(`${d}/virtfn${index}`);
    }
  }
  for (const nic of spec.otherNics ?? []) {
    await writeFunction(f, {
      address: nic.pciAddress,
      vendorId: nic.vendorId ?? '1af4',
      deviceId: nic.deviceId ?? '1041',
      numaNode: -1,
      localCpus: '0-1',
      iommuGroup: iommu ? group++ : null,
      driver: nic.driver ?? 'virtio-pci',
    });
    if (nic.ifname) {
      await writeNetdev(f, {
        name: nic.ifname,
        address: nic.pciAddress,
        mac: '52:54:00:aa:bb:01',
        up: true,
        carrier: true,
        speed: null,
        master: null,
      });
      ip.links.push(
        netdevLink(ip.links.length + 1, nic.ifname, '52:54:00:aa:bb:01', true, nic.pciAddress),
      );
    }
  }
  await writeIpState(host.ipStatePath, ip);
  return host;
}

const vfAddr = (pf: { pciAddress: string; offset: number; stride: number }, i: number) =>
  vfAddressFor(pf.pciAddress, pf.offset, pf.stride, i);
