import type { CellState } from '../pages/host/vf-grid.js';

const MEANING: readonly [CellState, string, string][] = [
  ['free', 'F', 'free'],
  ['reserved', 'R', 'reserved (claim in progress)'],
  ['allocated', 'A', 'allocated to a port'],
  ['quarantined', 'Q', 'quarantined (not offered)'],
  ['dirty', 'D', 'dirty (released, awaiting reset)'],
];

/** The marker on a VF handed to another owner (openstack, kubernetes, libvirt-pool). */
export const HANDED_MARK = '↗';

/** What the VF cells' colours, patterns, letters and marker mean. */
export function StateLegend() {
  return (
    <ul className="legend" aria-label="VF states">
      {MEANING.map(([state, letter, text]) => (
        <li key={state}>
          <span className={`vf state-${state}`}>{letter}</span> {text}
        </li>
      ))}
      <li key="handed">
        <span className="vf handed">
          <sup className="owner-mark">{HANDED_MARK}</sup>
        </span>{' '}
        handed to another owner (openstack, kubernetes, libvirt-pool): configured, never scheduled
        by vfleet
      </li>
    </ul>
  );
}
