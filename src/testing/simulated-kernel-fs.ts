import type { HostFs } from '../core/ports.js';
import { VfleetError } from '../core/errors.js';
import { KERNEL_VF_DRIVER_BY_PF_DRIVER } from '../core/vocabulary.js';
import type { FixtureHost } from './fixture-host.js';
import { bindDriver, dev } from './fixture-layout.js';
import { readIpState, writeIpState } from './fake-ip-state.js';
import { addVfNetdev, createVf, dropVfNetdev, nextEthName } from './fixture-vf.js';

export interface SimulatedKernelOptions {
  /** VF drivers bind this long after the sriov_numvfs write returns (the real kernel is asynchronous). */
  readonly probeDelayMs?: number;
  /** Makes the Nth write (1-based) fail, as a crash or a kernel refusal would. */
  readonly failWrite?: { readonly at: number; readonly errno: string; readonly message: string };
  /** errno for every sriov_numvfs write to a PF, e.g. ENOMEM for the MMIO -12 failure. */
  readonly refuseNumVfs?: Readonly<Record<string, string>>;
}

const writeError = (path: string, value: string, errno: string, message: string) =>
  new VfleetError(
    'HOST_WRITE_FAILED',
    `cannot write "${value.trim()}" to ${path}: ${errno}: ${message}`,
    { path, errno },
  );

/**
 * A HostFs over a fixture host that answers sysfs writes the way the Linux
 * PCI core does: `sriov_numvfs` only moves between 0 and N (else EBUSY),
 * creating or destroying VFs, their netdevs and their vfinfo entries;
 * `driver_override` + `unbind` + `drivers_probe` rebind a VF. Tests only:
 * the lab proves the same behaviour on a real kernel.
 */
export function createSimulatedKernelFs(host: FixtureHost, options: SimulatedKernelOptions = {}) {
  const base = host.fs;
  const f = host.files;
  const writes: { path: string; value: string }[] = [];
  const pending: Promise<void>[] = [];
  const read = async (p: string) => (await base.readText(p))?.trim() ?? null;
  const driverOf = async (addr: string) =>
    (await base.readLink(`${dev(addr)}/driver`))?.split('/').pop() ?? null;

  async function setNumVfs(pf: string, value: string, path: string): Promise<void> {
    const n = Number(value.trim());
    const total = Number(await read(`${dev(pf)}/sriov_totalvfs`));
    const current = Number(await read(path));
    const refused = options.refuseNumVfs?.[pf];
    if (refused !== undefined && n > 0)
      throw writeError(path, value, refused, 'Cannot allocate memory');
    if (!Number.isInteger(n) || n < 0) throw writeError(path, value, 'EINVAL', 'Invalid argument');
    if (n > total) throw writeError(path, value, 'ERANGE', 'Numerical result out of range');
    if (n === current) return;
    if (current !== 0 && n !== 0) throw writeError(path, value, 'EBUSY', 'Device or resource busy');
    const ip = await readIpState(host.ipStatePath);
    const pfIf = (await base.listDir(`${dev(pf)}/net`))?.[0] ?? null;
    if (n === 0) {
      for (let i = 0; i < current; i++) {
        const vf = (await base.readLink(`${dev(pf)}/virtfn${i}`))?.split('/').pop();
        if (vf === undefined) continue;
        for (const nd of (await base.listDir(`${dev(vf)}/net`)) ?? [])
          await dropVfNetdev(f, ip, nd, vf);
        await f.remove(dev(vf));
        await f.remove(`${dev(pf)}/virtfn${i}`);
      }
      const pfLink = ip.links.find((l) => l.ifname === pfIf);
      if (pfLink) pfLink.vfinfo_list = [];
    } else {
      const pfDriver = await driverOf(pf);
      const autoprobe = (await read(`${dev(pf)}/sriov_drivers_autoprobe`)) !== '0';
      const vfDriver =
        autoprobe && pfDriver !== null ? (KERNEL_VF_DRIVER_BY_PF_DRIVER[pfDriver] ?? null) : null;
      // The PCI bus is hex (`3b`; as decimal it gave NaN); the fixture's dmar0 is a link to
      // nothing (exists() follows it: false), so its presence is what says the IOMMU is on.
      const group0 = 100 + Number.parseInt(pf.slice(5, 7), 16) * 8;
      const iommuOn = (await base.readLink('/sys/class/iommu/dmar0')) !== null;
      const created: string[] = [];
      for (let i = 0; i < n; i++) {
        created.push(
          await createVf(f, ip, {
            pfAddress: pf,
            pfIfname: pfIf,
            index: i,
            offset: Number(await read(`${dev(pf)}/sriov_offset`)),
            stride: Number(await read(`${dev(pf)}/sriov_stride`)),
            vendorId: ((await read(`${dev(pf)}/vendor`)) ?? '0x8086').replace('0x', ''),
            vfDeviceId: (await read(`${dev(pf)}/sriov_vf_device`)) ?? '10ca',
            numaNode: Number(await read(`${dev(pf)}/numa_node`)),
            localCpus: (await read(`${dev(pf)}/local_cpulist`)) ?? '0',
            iommuGroup: iommuOn ? group0 + i : null,
            driver: null,
            netdev: null,
          }),
        );
      }
      await writeIpState(host.ipStatePath, ip);
      await base.writeText(path, `${n}\n`);
      if (vfDriver === null) return;
      // Driver binding happens after the write returns, as on a real kernel.
      // One VF at a time, each from a fresh read of the `ip` state and written
      // at once: a delayed probe runs beside apply's own `ip` calls, and one
      // read for all would write their changes back over.
      const probe = async () => {
        for (const vf of created) {
          const state = await readIpState(host.ipStatePath);
          await probeVf(vf, vfDriver, state);
          await writeIpState(host.ipStatePath, state);
        }
      };
      const delay = options.probeDelayMs ?? 0;
      if (delay > 0) pending.push(new Promise((r) => setTimeout(r, delay)).then(probe));
      else await probe();
      return;
    }
    await writeIpState(host.ipStatePath, ip);
    await base.writeText(path, `${n}\n`);
  }

  async function probeVf(
    vf: string,
    defaultDriver: string,
    ip: Awaited<ReturnType<typeof readIpState>>,
  ) {
    if ((await driverOf(vf)) !== null) return;
    const override = await read(`${dev(vf)}/driver_override`);
    const driver =
      override !== null && override !== '(null)' && override !== '' ? override : defaultDriver;
    if (!(await base.exists(`/sys/bus/pci/drivers/${driver}`)) && driver === 'vfio-pci') return;
    await bindDriver(f, vf, driver);
    if (driver !== 'vfio-pci') await addVfNetdev(f, ip, nextEthName(ip), vf);
  }

  async function unbind(vf: string): Promise<void> {
    const ip = await readIpState(host.ipStatePath);
    for (const nd of (await base.listDir(`${dev(vf)}/net`)) ?? [])
      await dropVfNetdev(f, ip, nd, vf);
    await f.remove(`${dev(vf)}/driver`);
    await writeIpState(host.ipStatePath, ip);
  }

  async function defaultVfDriver(vf: string): Promise<string | null> {
    const pf = (await base.readLink(`${dev(vf)}/physfn`))?.split('/').pop();
    const pfDriver = pf === undefined ? null : await driverOf(pf);
    return pfDriver === null ? null : (KERNEL_VF_DRIVER_BY_PF_DRIVER[pfDriver] ?? null);
  }

  const fs: HostFs = {
    ...base,
    async writeText(path, value) {
      writes.push({ path, value });
      const fail = options.failWrite;
      if (fail?.at === writes.length) throw writeError(path, value, fail.errno, fail.message);
      const sysDev = (attr: string) =>
        new RegExp(`^/sys/bus/pci/devices/([^/]+)/${attr}$`).exec(path)?.[1];
      const numvfsOf = sysDev('sriov_numvfs');
      if (numvfsOf !== undefined) return setNumVfs(numvfsOf, value, path);
      if (sysDev('driver_override') !== undefined) {
        const v = value.trim();
        return base.writeText(path, v === '' ? '(null)\n' : `${v}\n`);
      }
      const unbindOf = sysDev('driver/unbind');
      if (unbindOf !== undefined) {
        if ((await driverOf(unbindOf)) === null)
          throw writeError(path, value, 'ENOENT', 'No such file or directory');
        return unbind(unbindOf);
      }
      if (/^\/sys\/bus\/pci\/drivers\/[^/]+\/unbind$/.test(path)) return unbind(value.trim());
      if (path === '/sys/bus/pci/drivers_probe') {
        const vf = value.trim();
        const ip = await readIpState(host.ipStatePath);
        const d = await defaultVfDriver(vf);
        if (d !== null) await probeVf(vf, d, ip);
        return writeIpState(host.ipStatePath, ip);
      }
      return base.writeText(path, value);
    },
  };
  return {
    fs,
    /** Every write, in order (path and value). */
    writes: () => writes as readonly { path: string; value: string }[],
    /** Resolves when delayed driver probes have run. */
    settled: () => Promise.all(pending).then(() => undefined),
  };
}
