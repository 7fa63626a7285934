import type { HostPfView } from '../../../api/answers.js';
import { vfCells } from './vf-grid.js';
import { HANDED_MARK } from '../../components/StateLegend.js';

interface Props {
  readonly pf: HostPfView;
  readonly selected: string | null;
  readonly onSelect: (pciAddress: string) => void;
}

/** A PF's VFs as buttons: state by colour, pattern, letter and name; each opens the VF. */
export function VfGrid({ pf, selected, onSelect }: Props) {
  const cells = vfCells(pf);
  if (cells.length === 0) return <p className="muted">No VFs.</p>;
  return (
    <ul className="vf-grid" aria-label={`VFs of ${pf.ifname ?? pf.pciAddress}`}>
      {cells.map((c) => (
        <li key={c.pciAddress}>
          <button
            type="button"
            className={`vf state-${c.state}${c.handedTo === null ? '' : ' handed'}`}
            data-testid="vf-cell"
            data-pci={c.pciAddress}
            data-state={c.state}
            data-owner={c.handedTo ?? 'vfleet'}
            aria-pressed={selected === c.pciAddress}
            title={c.title}
            onClick={() => {
              onSelect(c.pciAddress);
            }}
          >
            <span aria-hidden="true">
              {c.index}
              <small>{c.letter}</small>
              {c.handedTo === null ? null : <sup className="owner-mark">{HANDED_MARK}</sup>}
            </span>
            <span className="visually-hidden">{c.title}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
