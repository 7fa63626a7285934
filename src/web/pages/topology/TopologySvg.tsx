import type { ReactNode } from 'react';
import { useNavigate } from '../../components/navigate.js';
import type { Topology } from './layout.js';

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

/** A link when the reader may follow it (a tenant has no host page), else the content as is. */
function MaybeLink(p: { href: string | null; label: string; children: ReactNode }) {
  if (p.href === null) return <g>{p.children}</g>;
  return (
    <SvgLink href={p.href} label={p.label}>
      {p.children}
    </SvgLink>
  );
}

export interface TopologyLinks {
  /** Where a host header leads, or null for none. */
  readonly host: (id: string) => string | null;
  /** Where a VF leads, or null for none. */
  readonly vf: (pci: string, host: string | null) => string | null;
}

/** The picture `layoutHosts` computed, drawn: host headers, PF bands, VF cells, instances. */
export function TopologySvg({
  t,
  links,
  caption,
}: {
  t: Topology;
  links: TopologyLinks;
  caption: string;
}) {
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
        {t.hosts.map((h) => (
          <MaybeLink key={h.id} href={links.host(h.id)} label={`host ${h.id}`}>
            <rect x={h.x} y={h.y} width={h.w} height={h.h} className="host-box" rx="4" />
            <text x={h.x + 8} y={h.y + 18} className="label" data-testid="topology-host">
              Host {h.id}
            </text>
          </MaybeLink>
        ))}
        {t.pfs.map((p) => (
          <g key={`${p.host ?? ''}-${p.pci}`}>
            <rect x={p.x} y={p.y} width={p.w} height={p.h} className="pf-box" rx="4" />
            <text x={p.x + 8} y={p.y + 18} className="label">
              PF {p.label}
            </text>
          </g>
        ))}
        {t.vfs.map((v) => (
          <MaybeLink
            key={`${v.host ?? ''}-${v.pci}`}
            href={links.vf(v.pci, v.host)}
            label={v.title}
          >
            <rect
              x={v.x}
              y={v.y}
              width={v.size}
              height={v.size}
              className={`vf-box ${v.state === null ? 'held' : `state-${v.state}`}`}
              data-testid="topology-vf"
              data-pci={v.pci}
            />
            <text
              x={v.x + v.size / 2}
              y={v.y + v.size / 2 + 4}
              textAnchor="middle"
              className="vf-text"
            >
              {v.index ?? 'PF'}
            </text>
            <title>{v.title}</title>
          </MaybeLink>
        ))}
        {t.instances.map((i) => (
          <SvgLink key={`${i.id}-${i.y}`} href={`/instances/${encodeURIComponent(i.id)}`}>
            <rect x={i.x} y={i.y} width={i.w} height={i.h} className="inst-box" rx="4" />
            <text x={i.x + 8} y={i.y + 18} className="label" data-testid="topology-instance">
              {i.label}
            </text>
          </SvgLink>
        ))}
      </svg>
      <figcaption id="topology-caption">{caption}</figcaption>
    </figure>
  );
}
