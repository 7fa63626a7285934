import type { HostState, VdpaDeviceSpec, VfVdpaSpec } from '../desired-state.js';
import type { HostInventory, Pf, Vf } from '../inventory.js';
import { formatPciAddress, parsePciAddress, vfAddress } from '../pci-address.js';
import { KERNEL_VF_DRIVER_BY_PF_DRIVER, VFIO_DRIVER, VHOST_VDPA } from '../vocabulary.js';
import { throwIfProblems, type PlanProblem } from './plan-problems.js';
import type {
  DriverChange,
  DriverBindMethod,
  HostPlan,
  PfPlan,
  VdpaChange,
  VdpaDevicePlan,
  VfPlan,
} from './plan-types.js';
import { countPfChanges } from './plan-types.js';
import { planDevicePfs } from './device-plan.js';
import { planEswitch } from './eswitch-plan.js';
import { resolvePfs, type ResolvedPf } from './resolve-pfs.js';
import { declaredAttributes, declaredVfs, diffVfAttributes } from './vf-attribute-diff.js';

/**
 * What `apply` must change on the host to reach `state`. Pure: the same
 * (state, inventory) always gives the same plan. Fails with every problem
 * found (unknown PF, count above totalVfs, ...) before anything is changed.
 * Works on PFs whose VFs do not exist yet: their addresses are predicted
 * from the SR-IOV capability, and `apply` plans again once they exist.
 */
export function computeHostPlan(state: HostState, inv: HostInventory): HostPlan {
  const problems: PlanProblem[] = [];
  const mgmtdevs = new Set(inv.vdpa.mgmtdevs.map((m) => m.name));
  const pfs = resolvePfs(state, inv, problems).map((r) => planPf(r, mgmtdevs, problems));
  const devices = planDevicePfs(state, inv, problems);
  const vdpa = (state.vdpa ?? []).flatMap((d, entry) => planVdpaDevice(d, entry, inv, problems));
  throwIfProblems(problems);
  const changes = [...pfs, ...devices].reduce((n, pf) => n + pf.changes, 0) + vdpa.length;
  return { pfs, vdpa, devices, changes };
}

interface VfDriverTarget {
  readonly driver: string;
  readonly method: DriverBindMethod;
}

/** `kernel` is the PF driver's own VF driver; naming that driver explicitly means the same. */
export function resolveVfDriver(vfDriver: string, pfDriver: string | null): VfDriverTarget | null {
  const kernel = pfDriver === null ? undefined : KERNEL_VF_DRIVER_BY_PF_DRIVER[pfDriver];
  if (vfDriver === 'kernel')
    return kernel === undefined ? null : { driver: kernel, method: 'kernel' };
  if (vfDriver !== VFIO_DRIVER && vfDriver === kernel) return { driver: kernel, method: 'kernel' };
  return { driver: vfDriver, method: 'override' };
}

function predictedAddress(pf: Pf, index: number): string | null {
  const bdf = parsePciAddress(pf.pciAddress);
  if (bdf === null || pf.vfOffset === null || pf.vfStride === null) return null;
  return formatPciAddress(vfAddress(bdf, pf.vfOffset, pf.vfStride, index));
}

function planPf(
  { entry, spec, pf }: ResolvedPf,
  mgmtdevs: ReadonlySet<string>,
  problems: PlanProblem[],
): PfPlan {
  const at = `pfs[${entry}]`;
  const notes: string[] = [];
  const label = `${pf.pciAddress}${pf.ifname === null ? '' : ` (${pf.ifname})`}`;
  if (spec.numVfs > pf.totalVfs) {
    problems.push({
      code: 'INVALID_INPUT',
      field: `${at}.numVfs`,
      reason: `numVfs ${spec.numVfs} exceeds totalVfs ${pf.totalVfs} of ${label}`,
    });
  }
  const eswitch = planEswitch(at, label, spec.eswitchMode, pf, problems);
  // A driver that takes a mode change only without VFs has them destroyed
  // and made again around it (the count goes through 0).
  const recreate = eswitch?.order === 'no-vfs' && pf.numVfs > 0 && spec.numVfs > 0;
  const numVfs =
    spec.numVfs === pf.numVfs && !recreate ? null : { from: pf.numVfs, to: spec.numVfs };
  if (recreate) {
    notes.push(
      `${pf.driver ?? 'the driver'} changes the eswitch mode only without VFs: the ${pf.numVfs} VF(s) are destroyed and created again around it`,
    );
  }
  if (numVfs !== null && pf.driver === null) {
    problems.push({
      code: 'INVALID_INPUT',
      field: `${at}.numVfs`,
      reason: `${label} has no driver bound, and only the PF driver can create VFs`,
    });
  }
  if (numVfs !== null && numVfs.from > 0 && !recreate) {
    notes.push(
      `the count changes through 0: the ${numVfs.from} existing VF(s) are destroyed and created again`,
    );
  }

  let target: VfDriverTarget | null = null;
  if (spec.vfDriver !== undefined) {
    target = resolveVfDriver(spec.vfDriver, pf.driver);
    if (target === null) {
      problems.push({
        code: 'INVALID_INPUT',
        field: `${at}.vfDriver`,
        reason: `no known kernel VF driver for PF driver ${pf.driver ?? '(none)'} of ${label}; name the VF driver, e.g. vfDriver: vfio-pci`,
      });
    }
  }

  let link: PfPlan['link'] = null;
  if (spec.up) {
    if (pf.ifname === null) notes.push('the PF has no netdev, so its link is not managed');
    else if (pf.adminUp === false) link = { from: 'down', to: 'up' };
    else if (pf.adminUp === null) notes.push('the host does not report the PF link state');
  }

  const declared = declaredVfs(spec);
  if (pf.ifname === null) {
    spec.vfs.forEach((vf, j) => {
      const attr = declaredAttributes(vf)[0];
      if (attr === undefined) return;
      problems.push({
        code: 'INVALID_INPUT',
        field: `${at}.vfs[${j}].${attr}`,
        reason: `${label} has no netdev (driver ${pf.driver ?? 'none'}), and VF settings are set through it`,
      });
    });
  }

  const tcOffload =
    spec.hwTcOffload === undefined || (eswitch === null && pf.hwTcOffload === spec.hwTcOffload)
      ? null
      : { from: eswitch === null ? pf.hwTcOffload : null, to: spec.hwTcOffload };

  const vfs: VfPlan[] = [];
  for (let index = 0; index < spec.numVfs; index++) {
    const existing = numVfs === null ? pf.vfs.find((v) => v.index === index) : undefined;
    let driver: DriverChange | null = null;
    if (target !== null) {
      const bound = existing?.driver ?? null;
      const override = existing?.driverOverride ?? null;
      const overrideOk =
        target.method === 'override'
          ? override === target.driver
          : override === null || override === target.driver;
      if (existing === undefined || bound !== target.driver || !overrideOk) {
        driver = { from: bound, to: target.driver, method: target.method };
      }
    }
    const settings = declared.get(index)?.settings;
    const attrs = settings === undefined ? [] : diffVfAttributes(settings, existing ?? null);
    const address = existing?.pciAddress ?? predictedAddress(pf, index);
    const want = declared.get(index);
    const vdpa = planVdpa(want?.vdpa, existing, address);
    if (vdpa !== null && vdpa.from === null && want !== undefined) {
      const why = vdpaBlocker(target?.driver ?? existing?.driver ?? null, existing, mgmtdevs);
      if (why !== null)
        problems.push({
          code: 'INVALID_INPUT',
          field: `${at}.vfs[${want.item}].vdpa`,
          reason: `VF ${index} of ${label} ${why}`,
        });
    }
    if (driver === null && attrs.length === 0 && vdpa === null) continue;
    vfs.push({ index, pciAddress: address, isNew: existing === undefined, driver, attrs, vdpa });
  }

  const plan = {
    entry,
    pciAddress: pf.pciAddress,
    ifname: pf.ifname,
    driver: pf.driver,
    link,
    numVfs,
    vfDriver: target?.driver ?? null,
    eswitch,
    tcOffload,
    vfs,
    notes,
  };
  return { ...plan, changes: countPfChanges(plan) };
}

/** The VF's vDPA device, by the name vfleet gives it: `vdpa-<VF address>`. */
export const vdpaNameFor = (vfAddress: string): string => `vdpa-${vfAddress}`;

/**
 * The change that gives a device `name` (now `have`) the MAC `mac` (null:
 * any) on vhost_vdpa: none, a rebind (the right device on the wrong bus
 * driver keeps its name), or a replacement (none there, or another MAC).
 */
function vdpaChange(
  have: { name: string; mac: string | null; driver: string | null } | null,
  mac: string | null,
  name: string,
): VdpaChange | null {
  const replace = have === null || (mac !== null && have.mac !== mac);
  if (!replace && have.driver === VHOST_VDPA) return null;
  return {
    from: have === null ? null : { name: have.name, mac: have.mac, driver: have.driver },
    to: replace ? { name, mac } : { name: have.name, mac: have.mac },
  };
}

function planVdpa(
  want: VfVdpaSpec | undefined,
  existing: Vf | undefined,
  address: string | null,
): VdpaChange | null {
  if (want === undefined) return null;
  return vdpaChange(existing?.vdpa ?? null, want.mac ?? null, vdpaNameFor(address ?? '?'));
}

function planVdpaDevice(
  d: VdpaDeviceSpec,
  entry: number,
  inv: HostInventory,
  problems: PlanProblem[],
): VdpaDevicePlan[] {
  const at = `vdpa[${entry}]`;
  const have = inv.vdpa.devices.find((x) => x.name === d.name) ?? null;
  if (have !== null && have.mgmtdev !== d.mgmtdev) {
    problems.push({
      code: 'INVALID_INPUT',
      field: `${at}.mgmtdev`,
      reason: `vDPA device ${d.name} exists on ${have.mgmtdev}, not ${d.mgmtdev}: delete it ("vdpa dev del ${d.name}") or give another name`,
    });
    return [];
  }
  if (have === null && !inv.vdpa.mgmtdevs.some((m) => m.name === d.mgmtdev)) {
    const known = inv.vdpa.mgmtdevs.map((m) => m.name);
    problems.push({
      code: 'NOT_FOUND',
      field: `${at}.mgmtdev`,
      reason: `no vDPA management device ${d.mgmtdev} on this host (${known.length === 0 ? 'none: load a vDPA driver, e.g. vdpa_sim_net or mlx5_vdpa' : `there are: ${known.join(', ')}`})`,
    });
    return [];
  }
  const change = vdpaChange(have, d.mac ?? null, d.name);
  return change === null ? [] : [{ entry, mgmtdev: d.mgmtdev, change }];
}

/**
 * Why a VF cannot get a vDPA device, or null. A VF that does not exist yet
 * is given the benefit of the doubt: apply reports a missing management
 * device once the VF is there.
 */
function vdpaBlocker(
  driver: string | null,
  existing: Vf | undefined,
  mgmtdevs: ReadonlySet<string>,
): string | null {
  if (driver === VFIO_DRIVER)
    return 'is bound to vfio-pci: a vDPA device is made on a VF its kernel driver holds (vfDriver: kernel)';
  if (existing === undefined || mgmtdevs.has(`pci/${existing.pciAddress}`)) return null;
  return `has no vDPA management device pci/${existing.pciAddress} ("vdpa mgmtdev show"): load the NIC's vDPA driver (mlx5_vdpa for ConnectX-6 Dx and later) with the VF on its kernel driver`;
}
