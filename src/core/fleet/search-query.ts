import { normalizePciAddress } from '../pci-address.js';
import type { InstanceState } from './model.js';
import type { VfState, VnicType } from '../vocabulary.js';

/**
 * The fleet search (`GET /v1/search?q=`, `vfleet search`): what a query
 * text is taken as, in the form the store keeps it, and what one hit shows.
 */

export const SEARCH_MATCHED_AS = ['mac', 'pci', 'vlan', 'text'] as const;
export type SearchMatchedAs = (typeof SEARCH_MATCHED_AS)[number];

export const SEARCH_MATCHES = [
  'mac',
  'pci',
  'instance',
  'port',
  'vlan',
  'network',
  'host',
] as const;
export type SearchMatch = (typeof SEARCH_MATCHES)[number];

/** At most this many hits answer one search. */
export const SEARCH_LIMIT = 50;
export const SEARCH_MAX_CHARS = 200;

export type SearchQuery =
  | { readonly kind: 'mac'; readonly mac: string }
  | { readonly kind: 'pci'; readonly pciAddress: string }
  | { readonly kind: 'vlan'; readonly vlan: number }
  /** Lower case, trimmed: matched against ids and names in any case. */
  | { readonly kind: 'text'; readonly text: string };

const HEX2 = '[0-9a-f]{2}';
const MAC_SPELLINGS = [
  new RegExp(`^${HEX2}(:${HEX2}){5}$`),
  new RegExp(`^${HEX2}(-${HEX2}){5}$`),
  /^[0-9a-f]{4}(\.[0-9a-f]{4}){2}$/,
  /^[0-9a-f]{12}$/,
];

/**
 * A MAC in any spelling people paste (colons, dashes, Cisco's dotted
 * groups of four, twelve bare hex digits; any case) as the store keeps it,
 * `fa:16:3e:00:00:01`; null when the text is not one.
 */
export function macOf(text: string): string | null {
  const t = text.trim().toLowerCase();
  if (!MAC_SPELLINGS.some((re) => re.test(t))) return null;
  const hex = t.replace(/[^0-9a-f]/g, '');
  return hex.match(/../g)?.join(':') ?? null;
}

/**
 * What the text is: a MAC, a PCI address (full `0000:3b:02.1` or short
 * `3b:02.1`), a VLAN id (1-4094), else text to find in names and ids.
 */
export function classifySearch(text: string): SearchQuery {
  const t = text.trim();
  const mac = macOf(t);
  if (mac !== null) return { kind: 'mac', mac };
  const pci = normalizePciAddress(t);
  if (pci !== null) return { kind: 'pci', pciAddress: pci };
  if (/^\d{1,4}$/.test(t)) {
    const vlan = Number(t);
    if (vlan >= 1 && vlan <= 4094) return { kind: 'vlan', vlan };
  }
  return { kind: 'text', text: t.toLowerCase() };
}

/** One hit: the whole chain host -> NUMA node -> PF -> VF -> port -> instance -> network -> tenant. */
export interface SearchHit {
  readonly match: SearchMatch;
  readonly host: string | null;
  readonly numaNode: number | null;
  readonly pf: { readonly pciAddress: string; readonly ifname: string | null } | null;
  readonly vf: {
    readonly index: number;
    readonly pciAddress: string;
    readonly state: VfState;
  } | null;
  readonly port: {
    readonly id: string;
    readonly mac: string | null;
    readonly vnicType: VnicType;
  } | null;
  readonly instance: {
    readonly id: string;
    readonly name: string;
    readonly state: InstanceState;
  } | null;
  readonly network: {
    readonly id: string;
    readonly name: string;
    readonly vlan: number;
    readonly physnet: string;
  } | null;
  readonly tenant: string | null;
}

export interface SearchStore {
  /**
   * At most `limit` hits for the query; `tenant` set: only chains of that
   * tenant's ports, instances and networks (never a bare host, PF or VF).
   */
  search(q: SearchQuery, tenant: string | null, limit: number): Promise<SearchHit[]>;
}
