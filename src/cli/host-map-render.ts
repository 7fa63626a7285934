import { escapeControlChars } from '../core/control-chars.js';
import { renderFields } from './fleet-render.js';
import { findingsOf } from '../api/answers.js';
import type { HostDetailView, HolderView } from '../api/answers.js';
import { renderTable } from './output.js';
import { formatCpuList } from '../core/libvirt/cpu-list.js';

type Pf = HostDetailView['pfs'][number];

/**
 * `vfleet hosts show`: the PF -> VF -> instance map. Host facts first, then
 * per PF a heading and its VF table (who holds each VF, by name), then the
 * findings one per line naming their PF, so an operator reads one command,
 * not three.
 */
export function hostDetail(h: HostDetailView): string {
  const parts = [
    renderFields([
      ['host', h.id],
      ['health', h.health],
      ['ready', h.ready],
      ['generation', `applied ${h.appliedGeneration} of ${h.desiredGeneration}`],
      [
        'labels',
        Object.entries(h.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      ],
      ['last seen', h.lastSeen],
      ['numa', h.numaNodes.map((n) => `node${n.node}:${n.cpus}cpu`).join(' ')],
      ['memory MB', h.memoryMb],
      ['last apply', h.lastApplyMessage],
      [
        'irq pins',
        h.irqPins == null
          ? null
          : `${h.irqPins.changed} changed, ${h.irqPins.alreadyRight} right, ${h.irqPins.failed} failed, ${h.irqPins.skipped} skipped (${h.irqPins.at})`,
      ],
      ['libvirt', libvirtLine(h.hypervisor)],
      [
        'cordon',
        h.cordon === null
          ? null
          : `since ${h.cordon.since}${h.cordon.reason === null ? '' : `: ${h.cordon.reason}`}`,
      ],
      ['allocation', allocationLine(h.allocation)],
      ['drain', h.drain === null ? null : `${h.drain.state}: ${h.drain.message ?? ''}`],
      ['findings', h.findings.length === 0 ? 'none' : `${h.findings.length} (below)`],
    ]),
  ];
  if (h.pfs.length === 0)
    parts.push('no PFs: the agent reported no SR-IOV capable NIC on this host\n');
  for (const pf of h.pfs) parts.push(pfSection(h.id, pf));
  if (h.findings.length > 0) parts.push(findingLines(h));
  return parts.join('\n');
}

/** What instances may take of the host, and the rule that says so. */
export function allocationLine(a: HostDetailView['allocation']): string {
  const vcpus = a.vcpus.map((n) => `node${n.node}:${n.vcpus}`).join(' ');
  const kept = [
    ...(a.reservedCpus.length === 0 ? [] : [`CPUs ${formatCpuList(a.reservedCpus)}`]),
    ...(a.reservedMemoryMb === 0 ? [] : [`${a.reservedMemoryMb} MiB`]),
  ];
  return (
    `vCPUs ${vcpus === '' ? '-' : vcpus} (x${a.cpuRatio}), memory ${a.memoryMb ?? '-'} MiB (x${a.memoryRatio})` +
    `${kept.length === 0 ? '' : `, kept for the host: ${kept.join(', ')}`}; rule ${a.rule ?? 'none'}`
  );
}

/** How the host's agent runs domains, in a line: what an operator checks before booting there. */
export function libvirtLine(hv: HostDetailView['hypervisor']): string | null {
  if (hv == null) return null;
  if (hv.kind === 'render-only') return `render-only (no VM runs): ${hv.reason ?? '?'}`;
  const type =
    hv.virtType === 'qemu'
      ? 'qemu domains (software emulation: no KVM on this host)'
      : hv.virtType === 'kvm'
        ? 'kvm domains'
        : 'domain type unknown (kvm assumed)';
  return `virsh, ${type}${hv.migrationUri === null ? '' : `; migrations arrive at ${hv.migrationUri}`}`;
}

const inUse = (pf: Pf): number =>
  pf.vfs.filter((v) => v.portId !== null || v.state === 'reserved' || v.state === 'allocated')
    .length;

/** `PF pf3b 0000:3b:00.0  driver igb  link up 10000Mb/s  numa 0  spec igb  VFs 1/4 in use (max 7)`, then the VFs. */
function pfSection(host: string, pf: Pf): string {
  const spec = pf.specName ?? pf.spec;
  const head = [
    `PF ${pf.ifname ?? '(no netdev)'} ${pf.pciAddress}`,
    `driver ${pf.driver ?? '-'}`,
    `link ${linkText(pf.link)}`,
    `numa ${pf.numaNode ?? '-'}`,
    ...(pf.eswitchMode === null ? [] : [`eswitch ${pf.eswitchMode}`]),
    `spec ${spec ?? 'none'}`,
    pf.whole === null
      ? `VFs ${inUse(pf)}/${pf.vfs.length} in use (max ${pf.totalVfs})`
      : `offered whole: ${wholeState(pf.whole)}`,
  ].join('  ');
  const lines = [escapeControlChars(head)];
  const declared = pf.declaredVfs ?? null;
  if (pf.whole !== null && pf.whole.portId !== null)
    lines.push(`  held by ${holderText(pf.whole)}`);
  if (declared !== null && declared > 0 && pf.vfs.length !== declared)
    lines.push(
      escapeControlChars(
        `  spec ${spec ?? '?'} declares ${declared} VFs here, ${pf.vfs.length} made so far: the agent applies it on its next report (wait with: vfleet hosts show ${host} --wait)`,
      ),
    );
  if (spec === null && pf.whole === null && pf.vfs.length === 0)
    lines.push('  no spec selects this PF: none of its VFs is offered (vfleet spec create)');
  const body = lines.join('\n') + '\n';
  if (pf.vfs.length === 0) return body;
  // Switchdev and vDPA columns only where a VF has one: most hosts have neither.
  const reps = pf.vfs.some((v) => v.representor !== null);
  const vdpa = pf.vfs.some((v) => v.vdpaDev !== null);
  return (
    body +
    renderTable(
      [
        'vf',
        'pci',
        'state',
        'driver',
        'iommu',
        ...(reps ? ['representor'] : []),
        ...(vdpa ? ['vdpa'] : []),
        'mac',
        'vlan',
        'instance',
        'tenant',
        'network',
        'physnet',
        'owner',
        'note',
      ],
      pf.vfs.map((v) => [
        v.index,
        v.pciAddress,
        vfState(v),
        v.driver,
        v.iommuGroup,
        ...(reps ? [v.representor] : []),
        ...(vdpa ? [v.vdpaDev] : []),
        v.mac,
        v.vlan,
        v.instance,
        v.tenant,
        v.network,
        v.physnet,
        v.owner,
        v.note,
      ]),
      '  ',
    )
  );
}

/** `up 10000Mb/s`, `down (set down)` when an operator downed it, `-` when the agent did not say. */
export function linkText(link: Pf['link']): string {
  if (link.state === null) return '-';
  const speed = link.speedMbps === null ? '' : ` ${link.speedMbps}Mb/s`;
  return `${link.state}${speed}${link.adminUp === false ? ' (set down)' : ''}`;
}

/** `allocated`, `reserved (configuring)` while the agent has not applied the port, `free (resetting)`. */
function vfState(v: { state: string; dirty: boolean } & HolderView): string {
  if (v.dirty) return `${v.state} (resetting)`;
  if (v.configured === false) return `${v.state} (configuring)`;
  return v.state;
}

/** A whole PF's state, physnet and owner: `free p1 (owner vfleet)`, `free (releasing) p1`. */
const wholeState = (w: NonNullable<Pf['whole']>): string =>
  `${w.dirty ? `${w.state} (releasing)` : w.state} ${w.physnet ?? '-'}${w.owner === null ? '' : ` (owner ${w.owner})`}`;

/** `instance vm1 (tenant acme, network blue, VLAN 120)`; the port id when it has no instance. */
function holderText(x: HolderView & { portId: string | null }): string {
  const who = x.instance == null ? `port ${x.portId ?? '?'}` : `instance ${x.instance}`;
  const what = [
    x.tenant == null ? null : `tenant ${x.tenant}`,
    x.network == null ? null : `network ${x.network}`,
    x.vlan == null ? null : `VLAN ${x.vlan}`,
  ].filter((s) => s !== null);
  return escapeControlChars(what.length === 0 ? who : `${who} (${what.join(', ')})`);
}

/** One line per finding, naming its PF (`0000:3b:00.0 pf3b`) or `host`. */
function findingLines(h: HostDetailView): string {
  const names = new Map(
    h.pfs.map((p) => [
      p.pciAddress,
      p.ifname === null ? p.pciAddress : `${p.pciAddress} ${p.ifname}`,
    ]),
  );
  const lines = findingsOf(h).map((f) => {
    const where = f.subject === 'host' ? 'host' : `PF ${names.get(f.subject) ?? f.subject}`;
    return escapeControlChars(`  ${f.severity}  ${where}: ${f.title} [${f.id}]`);
  });
  return `findings:\n${lines.join('\n')}\n`;
}
