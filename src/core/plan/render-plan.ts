import type { AnyPfPlan, AttrChange, HostPlan, PfPlan, VdpaChange, VfPlan } from './plan-types.js';
import { pfKey } from './plan-types.js';
import { formatTag } from './vf-attribute-diff.js';

/** `?` stands for a value the host does not report or a VF not created yet. */
function value(v: string | number | boolean | null): string {
  if (v === null) return '?';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return String(v);
}

export function describeAttrChange(c: AttrChange): string {
  if (c.attr === 'vlan') {
    return `vlan ${c.from === null ? '?' : formatTag(c.from)} -> ${formatTag(c.to)}`;
  }
  return `${c.attr} ${value(c.from)} -> ${value(c.to)}`;
}

export function describeDriverChange(vf: VfPlan): string | null {
  if (vf.driver === null) return null;
  const from = vf.driver.from ?? (vf.isNew ? '?' : '(none)');
  return `driver ${from} -> ${vf.driver.to}`;
}

export function describeVdpa(c: VdpaChange): string {
  const mac = c.to.mac === null ? '' : ` mac ${c.to.mac}`;
  if (c.from === null) return `vdpa ${c.to.name}${mac} (new, on vhost_vdpa)`;
  if (c.from.name === c.to.name && c.from.mac === c.to.mac)
    return `vdpa ${c.to.name} driver ${c.from.driver ?? '(none)'} -> vhost_vdpa`;
  return `vdpa ${c.from.name} mac ${c.from.mac ?? '?'} -> ${c.to.name}${mac} (replaced)`;
}

export function pfLabel(pf: Pick<PfPlan, 'pciAddress' | 'ifname' | 'driver'>): string {
  const parts = [pf.ifname, pf.driver].filter((p): p is string => p !== null);
  return parts.length === 0 ? pf.pciAddress : `${pf.pciAddress} (${parts.join(', ')})`;
}

/** `0000:3b:10.2, new`; a VF off PCI has no address to show. */
function vfWhere(pf: AnyPfPlan, vf: VfPlan): string {
  const where = [
    'device' in pf ? null : (vf.pciAddress ?? 'address unknown'),
    vf.isNew ? 'new' : null,
  ].filter((p) => p !== null);
  return where.length === 0 ? '' : ` (${where.join(', ')})`;
}

function renderPf(pf: AnyPfPlan): string[] {
  const label = 'device' in pf ? pfLabel({ ...pf, pciAddress: pfKey(pf) }) : pfLabel(pf);
  const head = `${label}: ${pf.changes === 0 ? 'no changes' : `${pf.changes} change(s)`}`;
  const lines = [head];
  if (pf.link) lines.push(`  link ${pf.link.from} -> ${pf.link.to}`);
  if (pf.eswitch)
    lines.push(`  eswitch ${pf.eswitch.from ?? '?'} -> ${pf.eswitch.to} (${pf.eswitch.order})`);
  if (pf.numVfs) lines.push(`  numVfs ${pf.numVfs.from} -> ${pf.numVfs.to}`);
  if (pf.tcOffload)
    lines.push(`  hw-tc-offload ${value(pf.tcOffload.from)} -> ${value(pf.tcOffload.to)}`);
  for (const vf of pf.vfs) {
    lines.push(`  vf ${vf.index}${vfWhere(pf, vf)}`);
    const driver = describeDriverChange(vf);
    if (driver !== null) lines.push(`    ${driver}`);
    for (const c of vf.attrs) lines.push(`    ${describeAttrChange(c)}`);
    if (vf.vdpa !== null) lines.push(`    ${describeVdpa(vf.vdpa)}`);
  }
  for (const note of pf.notes) lines.push(`  note: ${note}`);
  return lines;
}

/** The plan as people read it; ends with a one-line summary. */
export function renderPlan(plan: HostPlan): string {
  const all: AnyPfPlan[] = [...plan.pfs, ...plan.devices];
  const lines = all.flatMap(renderPf);
  for (const d of plan.vdpa) lines.push(`${describeVdpa(d.change)} on ${d.mgmtdev}`);
  const touched = all.filter((pf) => pf.changes > 0).length;
  lines.push(
    plan.changes === 0
      ? 'No changes: the host matches the state.'
      : `Plan: ${plan.changes} change(s) on ${touched} of ${all.length} PF(s).`,
  );
  return `${lines.join('\n')}\n`;
}
