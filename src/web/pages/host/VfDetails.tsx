import type { ReactNode } from 'react';
import { Link } from 'wouter';
import type { HostPfView, VfView } from '../../../api/answers.js';
import { cellState, rateText } from './vf-grid.js';

const yesNo = (b: boolean | null) => (b === null ? '–' : b ? 'yes' : 'no');
const orDash = (v: string | number | null) => (v === null ? '–' : String(v));
/** Who schedules the VF: vfleet, or the consumer it is handed to (configured, never claimed here). */
const ownerText = (o: VfView['owner']) =>
  o === null
    ? '– (no spec)'
    : o === 'vfleet'
      ? 'vfleet'
      : `${o} (handed over: vfleet never schedules it)`;

/** One VF: where it is, its settings, and the chain of who holds it. */
export function VfDetails({
  pf,
  vf,
  onClose,
}: {
  pf: HostPfView;
  vf: VfView;
  onClose: () => void;
}) {
  const rows: [string, ReactNode][] = [
    ['PCI address', vf.pciAddress],
    ['PF', `${pf.ifname ?? '?'} ${pf.pciAddress}`],
    ['State', cellState(vf)],
    ['MAC', orDash(vf.mac)],
    ['VLAN', orDash(vf.vlan)],
    ['Driver', orDash(vf.driver)],
    ['IOMMU group', orDash(vf.iommuGroup)],
    ['Host netdev', orDash(vf.netdev)],
    ['Trusted', yesNo(vf.trusted)],
    ['Spoof check', yesNo(vf.spoofchk)],
    ['Max TX rate', rateText(vf.maxTxRate)],
    ['Min TX rate', rateText(vf.minTxRate)],
    ['Physnet', orDash(vf.physnet)],
    ['Owner', ownerText(vf.owner)],
    ['Port', orDash(vf.portId)],
    [
      'Instance',
      vf.instanceId === null ? (
        '–'
      ) : (
        <Link href={`/instances/${encodeURIComponent(vf.instanceId)}`}>
          {vf.instance ?? vf.instanceId}
        </Link>
      ),
    ],
    ['Tenant', orDash(vf.tenant)],
    ['Network', orDash(vf.network)],
    ['Configured by the agent', yesNo(vf.configured)],
    ['Reserved until', orDash(vf.reservedUntil)],
    ['Note', orDash(vf.note)],
  ];
  return (
    <section className="vf-details" aria-labelledby="vf-title" data-testid="vf-details">
      <h3 id="vf-title">
        VF {vf.index} {vf.pciAddress}{' '}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </h3>
      <dl>
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
