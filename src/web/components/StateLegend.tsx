import type { CellState } from '../pages/host/vf-grid.js';

const MEANING: readonly [CellState, string, string][] = [
  ['free', 'F', 'free'],
  ['reserved', 'R', 'reserved (claim in progress)'],
  ['allocated', 'A', 'allocated to a port'],
  ['quarantined', 'Q', 'quarantined (not offered)'],
  ['dirty', 'D', 'dirty (released, awaiting reset)'],
];

/** What the VF cells' colours, patterns and letters mean. */
export function StateLegend() {
  return (
    <ul className="legend" aria-label="VF states">
      {MEANING.map(([state, letter, text]) => (
        <li key={state}>
          <span className={`vf state-${state}`}>{letter}</span> {text}
        </li>
      ))}
    </ul>
  );
}
