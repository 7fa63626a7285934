import type { NetworkView, PhysnetView } from '../../../api/answers.js';

/** How full a physnet's tenant VLAN ranges are. */
export interface PhysnetUsage {
  readonly name: string;
  readonly ranges: string;
  readonly size: number;
  readonly used: number;
}

/** Each physnet's VLANs in its ranges, and how many of those its networks use. */
export function physnetUsage(
  physnets: readonly PhysnetView[],
  networks: readonly NetworkView[],
): PhysnetUsage[] {
  return physnets.map((p) => {
    const inRange = (v: number) => p.vlanRanges.some((r) => v >= r.min && v <= r.max);
    const used = new Set(
      networks.filter((n) => n.physnet === p.name && inRange(n.vlan)).map((n) => n.vlan),
    );
    return {
      name: p.name,
      ranges:
        p.vlanRanges.map((r) => (r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`)).join(', ') ||
        'none',
      size: p.vlanRanges.reduce((n, r) => n + r.max - r.min + 1, 0),
      used: used.size,
    };
  });
}

/** Networks grouped by tenant, tenants in name order. */
export function byTenant(networks: readonly NetworkView[]): [string, NetworkView[]][] {
  const groups = new Map<string, NetworkView[]>();
  for (const n of networks) groups.set(n.tenant, [...(groups.get(n.tenant) ?? []), n]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}
