import { RENDERED_NOTE } from '../core/fleet/vm-domain.js';
import type { OutputFormat } from '../core/vocabulary.js';
import type { CliDeps } from './cli-deps.js';
import type {
  HostView,
  InstanceView,
  NetworkView,
  PhysnetView,
  PortView,
  SpecView,
  TokenView,
} from '../api/answers.js';
import { renderData, renderTable, type Cell } from './output.js';
import { bandwidthText } from './spec-options.js';

/** Prints `value` as json/yaml, or as the table `table` renders. */
export function print<T>(
  deps: CliDeps,
  format: OutputFormat,
  value: T,
  table: (v: T) => string,
): void {
  deps.out(format === 'table' ? table(value) : renderData(format, value));
}

const labelText = (l: Record<string, string>): string =>
  Object.entries(l)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** `key: value` lines for one object. */
export const renderFields = (pairs: readonly (readonly [string, Cell])[]): string =>
  renderTable(['field', 'value'], pairs).split('\n').slice(1).join('\n');

export const hostsTable = (hosts: readonly HostView[]): string =>
  renderTable(
    ['host', 'health', 'ready', 'generation', 'labels', 'last seen'],
    hosts.map((h) => [
      h.id,
      // As kubectl shows a cordoned node: its health, then why nothing new lands there.
      h.cordon === null ? h.health : `${h.health},cordoned`,
      h.ready,
      `${h.appliedGeneration}/${h.desiredGeneration}`,
      labelText(h.labels),
      h.lastSeen,
    ]),
  );

export const specsTable = (specs: readonly SpecView[]): string =>
  renderTable(
    [
      'name',
      'id',
      'selects',
      'physnet',
      'owner',
      'trusted',
      'numvfs',
      'vf driver',
      'offers',
      'bandwidth',
    ],
    specs.map((s) => [
      s.name,
      s.id,
      [
        s.vendor === null && s.device === null ? null : `${s.vendor ?? '*'}:${s.device ?? '*'}`,
        s.driver === null ? null : `driver=${s.driver}`,
        s.pciAddress === null ? null : `pci=${s.pciAddress}`,
        s.pf === null ? null : `pf=${s.pf}`,
      ]
        .filter((x) => x !== null)
        .join(' '),
      s.physnet,
      s.owner,
      s.trusted,
      s.numVfs,
      s.vfDriver,
      s.wholePf ? 'whole PF' : 'VFs',
      bandwidthText(s.bandwidth),
    ]),
  );

export const physnetsTable = (ps: readonly PhysnetView[]): string =>
  renderTable(
    ['physnet', 'vlan ranges'],
    ps.map((p) => [p.name, p.vlanRanges.map((r) => `${r.min}-${r.max}`).join(',')]),
  );

export const networksTable = (ns: readonly NetworkView[]): string =>
  renderTable(
    ['network', 'id', 'tenant', 'physnet', 'vlan'],
    ns.map((n) => [n.name, n.id, n.tenant, n.physnet, n.vlan]),
  );

export const portsTable = (ps: readonly PortView[]): string =>
  renderTable(
    [
      'port',
      'instance',
      'network',
      'vlan',
      'vnic',
      'mac',
      'host',
      'device',
      'pf',
      'trusted',
      'spoofchk',
    ],
    ps.map((p) => [
      p.id,
      p.instance ?? p.instanceId,
      p.network,
      p.vlan,
      p.vnicType,
      p.mac ?? (p.vnicType === 'direct-physical' ? "(the PF's own)" : null),
      p.host,
      // The VF, or for direct-physical the whole PF.
      p.vnicType === 'direct-physical' && p.pciAddress !== null
        ? `${p.pciAddress} (whole PF)`
        : p.pciAddress,
      p.pf,
      p.trusted,
      p.spoofchk,
    ]),
  );

export const instancesTable = (is: readonly InstanceView[]): string =>
  renderTable(
    ['instance', 'id', 'tenant', 'host', 'state', 'vcpus', 'memory', 'numa', 'ports'],
    is.map((i) => [
      i.name,
      i.id,
      i.tenant,
      i.host,
      i.state,
      i.vcpus,
      i.memoryMb,
      i.numaNode === null ? i.numaPolicy : `${i.numaPolicy}:node${i.numaNode}`,
      i.ports.length,
    ]),
  );

export function instanceDetail(i: InstanceView): string {
  const notes = [...new Set(i.ports.filter((p) => p.vnicType !== 'normal').map((p) => p.note))];
  return [
    renderFields([
      ['instance', i.name],
      ['id', i.id],
      ['tenant', i.tenant],
      ['host', i.host],
      ['state', i.state],
      ['vcpus', i.vcpus],
      ['memory MB', i.memoryMb],
      ['numa', i.numaNode === null ? i.numaPolicy : `${i.numaPolicy} (node ${i.numaNode})`],
      ['host labels', labelText(i.hostLabels)],
      ...vmFields(i.vm),
    ]),
    portsTable(i.ports),
    notes.map((n) => `note: ${n}\n`).join(''),
  ]
    .filter((s) => s !== '')
    .join('\n');
}

export const tokensTable = (ts: readonly TokenView[]): string =>
  renderTable(
    ['token', 'id', 'role', 'tenant', 'host', 'domain policy', 'created'],
    ts.map((t) => [t.name, t.id, t.role, t.tenant, t.host, t.domainPolicy, t.createdAt]),
  );

/** The domain rows of `instance show`: nothing for an instance that was not booted. */
function vmFields(vm: InstanceView['vm']): [string, Cell][] {
  if (vm === undefined || vm === null) return [];
  const detail =
    vm.state === 'rendered'
      ? (vm.stateNote ?? RENDERED_NOTE)
      : vm.hypervisor === 'render-only'
        ? 'render-only: no libvirt'
        : null;
  const state =
    vm.desired === 'absent'
      ? `deleting (${[vm.state ?? 'not reported', detail].filter((x) => x !== null).join('; ')})`
      : `${vm.state ?? 'pending'}${detail === null ? '' : ` (${detail})`}`;
  return [
    ['domain', vm.domain],
    ['vm state', state],
    ['vm message', vm.message],
  ];
}
