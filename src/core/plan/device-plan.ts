import type { HostState, PfEntry } from '../desired-state.js';
import type { HostInventory, NonPciPf } from '../inventory.js';
import { LEGACY_AT_ZERO_VFS_DRIVERS, LEGACY_ONLY_VF_RATE_DRIVERS } from '../vocabulary.js';
import { planEswitch } from './eswitch-plan.js';
import type { PlanProblem } from './plan-problems.js';
import type { AttrChange, DevicePfPlan, EswitchChange, VfPlan } from './plan-types.js';
import { countPfChanges } from './plan-types.js';
import { declaredVfs, diffVfAttributes } from './vf-attribute-diff.js';

/**
 * The plans of the state's `device` entries: PFs whose VFs are not PCI
 * functions (netdevsim), as `host scan` reports them under `nonPciPfs`.
 * They take what a PCI PF takes at PF level (link, VF count, eswitch mode,
 * hw-tc-offload) and VF settings through their netdev; what only a PCI
 * function has (a VF driver, vfio, a vDPA device on the VF's management
 * device `pci/<VF>`) is refused, naming the field.
 */
export function planDevicePfs(
  state: HostState,
  inv: HostInventory,
  problems: PlanProblem[],
): DevicePfPlan[] {
  return state.pfs.flatMap((spec, entry) => {
    if (spec.device === undefined) return [];
    // A device with several ports has a netdev per port, all showing the same VFs.
    const ports = inv.nonPciPfs.filter((p) => p.device === spec.device);
    const pf = ports[0];
    if (pf === undefined) {
      problems.push({
        code: 'NOT_FOUND',
        field: `pfs[${entry}].device`,
        reason: whyMissing(spec.device, inv),
      });
      return [];
    }
    const plan = planDevicePf(entry, spec, pf, problems);
    if (ports.length === 1) return [plan];
    const note = `${pf.device} has netdevs ${ports.map((p) => p.ifname).join(', ')}: VF settings go through ${pf.ifname}`;
    return [{ ...plan, notes: [...plan.notes, note] }];
  });
}

function whyMissing(device: string, inv: HostInventory): string {
  const here = [...new Set(inv.nonPciPfs.map((p) => `${p.device} (${p.ifname})`))];
  return here.length === 0
    ? `no PF off PCI ${device} on this host, nor any other (netdevsim: modprobe netdevsim, then echo "1 1" > /sys/bus/netdevsim/new_device makes netdevsim/netdevsim1)`
    : `no PF off PCI ${device} on this host; there are: ${here.join(', ')}`;
}

/**
 * Off PCI no driver holds a VF, so there is nothing to unbind around a mode
 * change: a driver not known to take it at any time takes it without VFs.
 */
function deviceEswitch(
  at: string,
  label: string,
  spec: PfEntry,
  pf: NonPciPf,
  problems: PlanProblem[],
): EswitchChange | null {
  const change = planEswitch(at, label, spec.eswitchMode, pf, problems);
  return change?.order === 'vfs-unbound' ? { ...change, order: 'no-vfs' } : change;
}

function refuseOffPci(at: string, label: string, spec: PfEntry, problems: PlanProblem[]): void {
  if (spec.vfDriver !== undefined) {
    problems.push({
      code: 'INVALID_INPUT',
      field: `${at}.vfDriver`,
      reason: `the VFs of ${label} are not PCI functions: there is no VF driver to bind (vfio-pci and the kernel VF drivers take PCI functions); leave vfDriver out`,
    });
  }
  spec.vfs.forEach((vf, j) => {
    if (vf.vdpa === undefined) return;
    problems.push({
      code: 'INVALID_INPUT',
      field: `${at}.vfs[${j}].vdpa`,
      reason: `the VFs of ${label} are not PCI functions, so none has a vDPA management device (pci/<VF>); declare the device on its own management device under vdpa:`,
    });
  });
}

/**
 * A rate the driver would refuse in the mode the PF is left in. A rate 0 on
 * a VF the count change makes is no change once the VF exists (apply plans
 * again then), so it is let through.
 */
function refusedRate(c: AttrChange): boolean {
  if (c.attr !== 'maxTxRate' && c.attr !== 'minTxRate') return false;
  return !(c.to === 0 && c.from === null);
}

/** A count change through 0 on a switchdev device whose driver then falls back to legacy. */
const dropsToLegacy = (pf: NonPciPf, numVfs: DevicePfPlan['numVfs']): boolean =>
  numVfs !== null &&
  numVfs.from > 0 &&
  pf.eswitchMode === 'switchdev' &&
  pf.driver !== null &&
  LEGACY_AT_ZERO_VFS_DRIVERS.has(pf.driver);

function planDevicePf(
  entry: number,
  spec: PfEntry,
  pf: NonPciPf,
  problems: PlanProblem[],
): DevicePfPlan {
  const at = `pfs[${entry}]`;
  const label = `${pf.device} (${pf.ifname})`;
  const notes: string[] = [];
  refuseOffPci(at, label, spec, problems);
  const declaredMode = deviceEswitch(at, label, spec, pf, problems);
  let eswitch = declaredMode;
  const recreate = eswitch?.order === 'no-vfs' && pf.numVfs > 0 && spec.numVfs > 0;
  const numVfs =
    spec.numVfs === pf.numVfs && !recreate ? null : { from: pf.numVfs, to: spec.numVfs };
  const mode = spec.eswitchMode ?? pf.eswitchMode;
  if (eswitch === null && dropsToLegacy(pf, numVfs) && mode === 'switchdev') {
    // The mode it has (declared, or left alone) is put back after the count.
    eswitch = { from: 'legacy', to: 'switchdev', order: 'any' };
    notes.push(
      `${pf.driver ?? 'the driver'} falls back to legacy when its VF count goes through 0: switchdev is set again after the count`,
    );
  }
  if (recreate) {
    notes.push(
      `${pf.driver ?? 'the driver'} changes the eswitch mode only without VFs: the ${pf.numVfs} VF(s) are destroyed and created again around it`,
    );
  } else if (numVfs !== null && numVfs.from > 0) {
    notes.push(`the count changes through 0 (the kernel moves it only between 0 and N)`);
  }
  if (numVfs !== null && pf.driver === null) {
    problems.push({
      code: 'INVALID_INPUT',
      field: `${at}.numVfs`,
      reason: `${label} has no driver bound, and only its driver can create VFs`,
    });
  }

  let link: DevicePfPlan['link'] = null;
  if (spec.up) {
    if (pf.adminUp === false) link = { from: 'down', to: 'up' };
    else if (pf.adminUp === null) notes.push('the host does not report the PF link state');
  }

  // A mode put back after the count leaves the uplink netdev, and its offload, as they were.
  const tcOffload =
    spec.hwTcOffload === undefined || (declaredMode === null && pf.hwTcOffload === spec.hwTcOffload)
      ? null
      : { from: declaredMode === null ? pf.hwTcOffload : null, to: spec.hwTcOffload };

  const ratesRefused =
    mode === 'switchdev' && pf.driver !== null && LEGACY_ONLY_VF_RATE_DRIVERS.has(pf.driver);
  const refused = new Set<string>();
  const declared = declaredVfs(spec);
  const vfs: VfPlan[] = [];
  for (let index = 0; index < spec.numVfs; index++) {
    const want = declared.get(index);
    if (want === undefined) continue;
    const existing = numVfs === null ? pf.vfs.find((v) => v.index === index) : undefined;
    const attrs = diffVfAttributes(want.settings, existing ?? null);
    for (const c of ratesRefused ? attrs.filter(refusedRate) : []) {
      const field = `${at}.vfs[${want.item}].${c.attr}`;
      if (refused.has(field)) continue;
      refused.add(field);
      problems.push({
        code: 'INVALID_INPUT',
        field,
        reason: `${pf.driver ?? 'the driver'} takes VF rates through the PF in legacy mode only (in switchdev mode they are devlink rate objects, which vfleet does not set): VF ${index} of ${label}`,
      });
    }
    if (attrs.length === 0) continue;
    const isNew = existing === undefined;
    vfs.push({ index, pciAddress: null, isNew, driver: null, attrs, vdpa: null });
  }

  const plan = {
    entry,
    device: pf.device,
    ifname: pf.ifname,
    driver: pf.driver,
    link,
    numVfs,
    eswitch,
    tcOffload,
    vfs,
    notes,
  };
  return { ...plan, changes: countPfChanges(plan) };
}
