import type { CapacityView } from '../../../api/answers.js';
import { VfBar } from '../../components/VfBar.js';

/**
 * Hosts by health, and VFs by state per physical network and per NUMA node:
 * vfleet's own; those handed to another owner are counted apart, per physnet.
 */
export function CapacityPanel({ capacity }: { capacity: CapacityView }) {
  const h = capacity.hosts;
  return (
    <section aria-labelledby="capacity-title" data-testid="capacity">
      <h2 id="capacity-title">Capacity</h2>
      <p>
        {h.total} hosts, {h.ready} ready —{' '}
        {Object.entries(h.byHealth)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ')}
      </p>
      <table>
        <caption>VFs per physical network</caption>
        <thead>
          <tr>
            <th scope="col">Physnet</th>
            <th scope="col">VFs</th>
            <th
              scope="col"
              title="configured by vfleet, scheduled by openstack, kubernetes or a libvirt pool"
            >
              Handed over
            </th>
          </tr>
        </thead>
        <tbody>
          {capacity.physnets.map((p) => (
            <tr key={p.physnet ?? '-'} data-testid="capacity-physnet">
              <th scope="row">{p.physnet ?? '(none)'}</th>
              <td>
                <VfBar counts={p} />
              </td>
              <td data-testid="capacity-handed-over">{p.handedOver}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table>
        <caption>VFs per NUMA node</caption>
        <thead>
          <tr>
            <th scope="col">Physnet</th>
            <th scope="col">NUMA node</th>
            <th scope="col">VFs</th>
          </tr>
        </thead>
        <tbody>
          {capacity.numaNodes.map((n) => (
            <tr key={`${n.physnet ?? '-'}/${n.numaNode ?? '-'}`}>
              <td>{n.physnet ?? '(none)'}</td>
              <td>{n.numaNode ?? 'unknown'}</td>
              <td>
                <VfBar counts={n} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
