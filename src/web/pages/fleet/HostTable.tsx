import type { ReactNode } from 'react';
import { Link } from 'wouter';
import type { HostSummaryView } from '../../../api/answers.js';
import { hostRow } from './host-rows.js';

interface Props {
  readonly hosts: readonly HostSummaryView[];
  /** The column headers, which sort (FleetPage gives links that change the URL). */
  readonly headers: { readonly id: ReactNode; readonly lastSeen: ReactNode };
}

export function HostTable({ hosts, headers }: Props) {
  return (
    <table className="hosts" data-testid="host-table">
      <caption className="visually-hidden">Hosts</caption>
      <thead>
        <tr>
          <th scope="col">{headers.id}</th>
          <th scope="col">Health</th>
          <th scope="col">Ready (applied/desired)</th>
          <th scope="col">{headers.lastSeen}</th>
          <th scope="col">Labels</th>
          <th scope="col">PFs</th>
          <th scope="col">VFs by state</th>
          <th scope="col">Findings</th>
        </tr>
      </thead>
      <tbody>
        {hosts.map((h) => {
          const r = hostRow(h);
          return (
            <tr key={r.id} data-testid="host-row" data-host={r.id}>
              <th scope="row">
                <Link href={`/hosts/${encodeURIComponent(r.id)}`}>{r.id}</Link>
              </th>
              <td>
                <span className={`badge health-${r.health}`}>{r.health}</span>
              </td>
              <td>
                {r.ready} <span className="muted">{r.generation}</span>
              </td>
              <td>{r.lastSeen}</td>
              <td>{r.labels}</td>
              <td>{r.pfs}</td>
              <td>{r.vfs}</td>
              <td>{r.findings}</td>
            </tr>
          );
        })}
        {hosts.length === 0 ? (
          <tr>
            <td colSpan={8}>No host matches.</td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}
