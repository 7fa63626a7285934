import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'wouter';
import { hostRoutes } from '../../../api/routes/hosts.js';
import { useApi } from '../../app/deps-context.js';
import { useNavigate } from '../../components/navigate.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { StateLegend } from '../../components/StateLegend.js';
import { layoutTopology } from './layout.js';

/** A host drawn: PFs, their VFs and the instances on them (SVG, links to each). */
export function TopologyPage() {
  const { id } = useParams<{ id: string }>();
  const api = useApi();
  const host = useQuery({
    queryKey: ['host', id],
    queryFn: () => api.call(hostRoutes.get, { params: { id } }),
  });
  const hostHref = `/hosts/${encodeURIComponent(id)}`;
  return (
    <>
      <h1>Topology of {id}</h1>
      <p>
        <Link href={hostHref}>Back to the host</Link>
      </p>
      <StateLegend />
      <ErrorNote error={host.error} />
      {host.data === undefined ? null : (
        <TopologySvg hostHref={hostHref} t={layoutTopology(host.data)} />
      )}
    </>
  );
}

/** An SVG link that moves within the app (no reload), as wouter's Link does for HTML. */
function SvgLink({ href, label, children }: { href: string; label?: string; children: ReactNode }) {
  const navigate = useNavigate();
  return (
    <a
      href={href}
      aria-label={label}
      onClick={(e) => {
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}

function TopologySvg({ t, hostHref }: { t: ReturnType<typeof layoutTopology>; hostHref: string }) {
  return (
    <figure className="topology">
      <svg
        width={t.width}
        height={t.height}
        viewBox={`0 0 ${t.width} ${t.height}`}
        role="group"
        aria-labelledby="topology-caption"
        data-testid="topology"
      >
        {t.links.map((l) => (
          <polyline
            key={`${l.pci}-${l.instance}`}
            points={`${l.x1},${l.y1} ${l.bendX},${l.y1} ${l.x2},${l.y2}`}
            className="link"
          />
        ))}
        {t.pfs.map((p) => (
          <g key={p.pci}>
            <rect x={p.x} y={p.y} width={p.w} height={p.h} className="pf-box" rx="4" />
            <text x={p.x + 8} y={p.y + 18} className="label">
              PF {p.label}
            </text>
          </g>
        ))}
        {t.vfs.map((v) => (
          <SvgLink
            key={v.pci}
            href={`${hostHref}?vf=${encodeURIComponent(v.pci)}`}
            label={`VF ${v.index} ${v.pci}: ${v.state}`}
          >
            <rect
              x={v.x}
              y={v.y}
              width={v.size}
              height={v.size}
              className={`vf-box state-${v.state}`}
            />
            <text
              x={v.x + v.size / 2}
              y={v.y + v.size / 2 + 4}
              textAnchor="middle"
              className="vf-text"
            >
              {v.index}
            </text>
            <title>{`VF ${v.index} ${v.pci}: ${v.state}`}</title>
          </SvgLink>
        ))}
        {t.instances.map((i) => (
          <SvgLink key={`${i.id}-${i.y}`} href={`/instances/${encodeURIComponent(i.id)}`}>
            <rect x={i.x} y={i.y} width={i.w} height={i.h} className="inst-box" rx="4" />
            <text x={i.x + 8} y={i.y + 18} className="label">
              {i.label}
            </text>
          </SvgLink>
        ))}
      </svg>
      <figcaption id="topology-caption">
        {t.pfs.length} PFs, {t.vfs.length} VFs, {t.instances.length} instance links; letters and
        titles give each VF&apos;s state.
      </figcaption>
    </figure>
  );
}
