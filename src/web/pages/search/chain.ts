import type { SearchHitView } from '../../../api/answers.js';

export type ChainKind = 'host' | 'numa' | 'pf' | 'vf' | 'port' | 'instance' | 'network' | 'tenant';

/** One part of a chain: what it is, its text, where it links (null: no page for it). */
export interface ChainPart {
  readonly kind: ChainKind;
  readonly text: string;
  readonly href: string | null;
  /** The part the query matched. */
  readonly matched: boolean;
}

const enc = encodeURIComponent;

/** Which chain part each kind of match is. */
const MATCHED: Readonly<Record<SearchHitView['match'], ChainKind>> = {
  mac: 'port',
  pci: 'vf',
  instance: 'instance',
  port: 'port',
  vlan: 'network',
  network: 'network',
  host: 'host',
};

/**
 * A search hit as the chain host → NUMA node → PF → VF → port → instance →
 * network → tenant, each present part a link: host parts to the host page
 * (admins only: a tenant has none), the VF to its cell opened there.
 */
export function chainParts(hit: SearchHitView, admin: boolean): ChainPart[] {
  const out: ChainPart[] = [];
  const matched = MATCHED[hit.match];
  const hostHref = hit.host === null || !admin ? null : `/hosts/${enc(hit.host)}`;
  const add = (kind: ChainKind, text: string, href: string | null) => {
    out.push({ kind, text, href, matched: kind === matched });
  };
  if (hit.host !== null) add('host', hit.host, hostHref);
  if (hit.numaNode !== null) add('numa', `NUMA ${hit.numaNode}`, hostHref);
  if (hit.pf !== null)
    add('pf', `PF ${hit.pf.ifname ?? ''} ${hit.pf.pciAddress}`.replace('  ', ' '), hostHref);
  if (hit.vf !== null)
    add(
      'vf',
      `VF ${hit.vf.index} ${hit.vf.pciAddress} (${hit.vf.state})`,
      hostHref === null ? null : `${hostHref}?vf=${enc(hit.vf.pciAddress)}`,
    );
  const instHref = hit.instance === null ? null : `/instances/${enc(hit.instance.id)}`;
  if (hit.port !== null)
    add('port', `port ${hit.port.mac ?? hit.port.id} ${hit.port.vnicType}`, instHref);
  if (hit.instance !== null)
    add('instance', `${hit.instance.name} (${hit.instance.state})`, instHref);
  if (hit.network !== null)
    add(
      'network',
      `${hit.network.name} VLAN ${hit.network.vlan} on ${hit.network.physnet}`,
      `/networks/${enc(hit.network.id)}`,
    );
  if (hit.tenant !== null)
    add('tenant', `tenant ${hit.tenant}`, `/networks?tenant=${enc(hit.tenant)}`);
  return out;
}

/** A stable key for a hit's row (the same VF can match more than once only by other parts). */
export const hitKey = (hit: SearchHitView, i: number): string =>
  [
    hit.match,
    hit.host,
    hit.vf?.pciAddress,
    hit.port?.id,
    hit.instance?.id,
    hit.network?.id,
    i,
  ].join('/');
