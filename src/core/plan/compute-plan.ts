import type { HostState } from '../desired-state.js';
import type { HostInventory, Pf } from '../inventory.js';
import { formatPciAddress, parsePciAddress, vfAddress } from '../pci-address.js';
import { KERNEL_VF_DRIVER_BY_PF_DRIVER, VFIO_DRIVER } from '../vocabulary.js';
import { throwIfProblems, type PlanProblem } from './plan-problems.js';
import type { DriverChange, DriverBindMethod, HostPlan, PfPlan, VfPlan } from './plan-types.js';
import { countPfChanges } from './plan-types.js';
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
  const pfs = resolvePfs(state, inv, problems).map((r) => planPf(r, problems));
  throwIfProblems(problems);
  return { pfs, changes: pfs.reduce((n, pf) => n + pf.changes, 0) };
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

function planPf({ entry, spec, pf }: ResolvedPf, problems: PlanProblem[]): PfPlan {
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
  const numVfs = spec.numVfs === pf.numVfs ? null : { from: pf.numVfs, to: spec.numVfs };
  if (numVfs !== null && pf.driver === null) {
    problems.push({
      code: 'INVALID_INPUT',
      field: `${at}.numVfs`,
      reason: `${label} has no driver bound, and only the PF driver can create VFs`,
    });
  }
  if (numVfs !== null && numVfs.from > 0) {
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
    if (driver === null && attrs.length === 0) continue;
    vfs.push({
      index,
      pciAddress: existing?.pciAddress ?? predictedAddress(pf, index),
      isNew: existing === undefined,
      driver,
      attrs,
    });
  }

  const plan = {
    entry,
    pciAddress: pf.pciAddress,
    ifname: pf.ifname,
    driver: pf.driver,
    link,
    numVfs,
    vfDriver: target?.driver ?? null,
    vfs,
    notes,
  };
  return { ...plan, changes: countPfChanges(plan) };
}
