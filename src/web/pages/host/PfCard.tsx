import type { HostPfView } from '../../../api/answers.js';
import { VfGrid } from './VfGrid.js';
import { linkText } from './vf-grid.js';

interface Props {
  readonly pf: HostPfView;
  readonly selected: string | null;
  readonly onSelect: (pciAddress: string) => void;
}

/** A PF: driver, link, VF counts against its spec, whether it is offered whole, and its VF grid. */
export function PfCard({ pf, selected, onSelect }: Props) {
  const title = `${pf.ifname ?? '(no netdev)'} ${pf.pciAddress}`;
  return (
    <article className="pf" aria-label={`PF ${title}`} data-testid="pf" data-pci={pf.pciAddress}>
      <h3>PF {title}</h3>
      <p>
        driver {pf.driver ?? '–'} · link <span data-testid="pf-link">{linkText(pf.link)}</span> ·
        device {pf.vendorId}:{pf.deviceId} · VFs {pf.numVfs} of {pf.totalVfs}
        {pf.declaredVfs === null || pf.declaredVfs === pf.numVfs
          ? ''
          : ` (spec declares ${pf.declaredVfs})`}{' '}
        · spec {pf.specName ?? 'none'}
      </p>
      {pf.whole === null ? null : (
        <p>
          Offered whole on {pf.whole.physnet ?? '–'}
          {pf.whole.owner === null || pf.whole.owner === 'vfleet'
            ? ''
            : ` (handed to ${pf.whole.owner})`}
          : {pf.whole.dirty ? 'dirty' : pf.whole.state}
          {pf.whole.instance === null ? '' : `, held by ${pf.whole.instance}`}
        </p>
      )}
      <VfGrid pf={pf} selected={selected} onSelect={onSelect} />
    </article>
  );
}
