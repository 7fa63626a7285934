import type { PfEntry, VfSettings, VfVdpaSpec } from '../desired-state.js';
import type { VfLinkFacts } from '../host-facts.js';
import type { Vf } from '../inventory.js';
import { ZERO_MAC, normalizeMac } from '../mac-address.js';
import type { AttrChange, VfAttribute, VlanTag } from './plan-types.js';

/** The VF settings declared for each VF index of a PF entry (ranges expanded). */
export interface DeclaredVf {
  /** Index in the entry's `vfs` list, for field paths in errors. */
  readonly item: number;
  readonly settings: VfSettings;
  readonly vdpa: VfVdpaSpec | undefined;
}

export function declaredVfs(spec: PfEntry): Map<number, DeclaredVf> {
  const out = new Map<number, DeclaredVf>();
  spec.vfs.forEach((vf, item) => {
    const first = vf.index ?? vf.range?.first ?? 0;
    const last = vf.index ?? vf.range?.last ?? first;
    const { vdpa, ...settings } = vf;
    for (let n = first; n <= last; n++) out.set(n, { item, settings, vdpa });
  });
  return out;
}

/** The declared attributes of one VF entry, in plan order. */
export function declaredAttributes(s: VfSettings): VfAttribute[] {
  const has: Record<VfAttribute, boolean> = {
    mac: s.mac !== undefined,
    vlan: s.vlan !== undefined,
    spoofchk: s.spoofchk !== undefined,
    trust: s.trust !== undefined,
    state: s.state !== undefined,
    maxTxRate: s.maxTxRate !== undefined,
    minTxRate: s.minTxRate !== undefined,
  };
  return (Object.keys(has) as VfAttribute[]).filter((k) => has[k]);
}

/** Untagged is untagged whatever qos/proto say. */
export const normalizeTag = (t: VlanTag): VlanTag =>
  t.vlan === 0 ? { vlan: 0, qos: 0, proto: '802.1Q' } : t;

export const sameTag = (a: VlanTag, b: VlanTag): boolean => {
  const x = normalizeTag(a);
  const y = normalizeTag(b);
  return x.vlan === y.vlan && x.qos === y.qos && x.proto === y.proto;
};

/** Declaring `vlan` declares the whole tag: qos 0 and proto 802.1Q unless given. */
export const declaredTag = (s: VfSettings): VlanTag | null =>
  s.vlan === undefined
    ? null
    : normalizeTag({ vlan: s.vlan, qos: s.qos ?? 0, proto: s.proto ?? '802.1Q' });

export const currentTag = (vf: VfLinkFacts): VlanTag =>
  normalizeTag({ vlan: vf.vlan, qos: vf.qos, proto: vf.vlanProto });

/**
 * Changes that bring one VF to its declared settings. `current` is null for
 * a VF that does not exist yet: every declared attribute is then listed.
 * Undeclared attributes are never touched.
 */
export function diffVfAttributes(s: VfSettings, current: VfLinkFacts | null): AttrChange[] {
  const out: AttrChange[] = [];
  if (s.mac !== undefined) {
    const from = current?.mac == null ? null : normalizeMac(current.mac);
    if (from !== s.mac) out.push({ attr: 'mac', from, to: s.mac });
  }
  const tag = declaredTag(s);
  if (tag !== null) {
    const from = current ? currentTag(current) : null;
    if (from === null || !sameTag(from, tag)) out.push({ attr: 'vlan', from, to: tag });
  }
  for (const attr of ['spoofchk', 'trust'] as const) {
    const to = s[attr];
    const from = current?.[attr] ?? null;
    if (to !== undefined && from !== to) out.push({ attr, from, to });
  }
  if (s.state !== undefined) {
    const from = current?.linkState ?? null;
    if (from !== s.state) out.push({ attr: 'state', from, to: s.state });
  }
  for (const attr of ['maxTxRate', 'minTxRate'] as const) {
    const to = s[attr];
    const from = current ? current[attr] : null;
    if (to !== undefined && from !== to) out.push({ attr, from, to });
  }
  return out;
}

/**
 * Settings a VF carries that differ from a freshly created VF (zero MAC,
 * untagged, spoofchk on, trust off, state auto, no rate limits), and that
 * `declared` would not put back after the VF is recreated. A count change
 * destroys such configuration, so the safety check refuses it.
 */
export function undeclaredConfiguration(vf: Vf, declared: VfSettings | undefined): string[] {
  const d = declared ?? {};
  const out: string[] = [];
  const mac = vf.mac == null ? null : normalizeMac(vf.mac);
  // A kernel VF driver (igbvf, seen in the lab) registers the random MAC it
  // picked with the PF; that is the netdev's own address, not an operator's.
  const ownMac =
    vf.driverKind === 'kernel' && vf.netdevMac !== null && normalizeMac(vf.netdevMac) === mac;
  if (mac !== null && mac !== ZERO_MAC && d.mac !== mac && !ownMac) out.push(`mac ${mac}`);
  const tag = currentTag(vf);
  const want = declaredTag(d);
  if (tag.vlan !== 0 && (want === null || !sameTag(tag, want))) {
    out.push(`vlan ${formatTag(tag)}`);
  }
  if (vf.trust === true && d.trust !== true) out.push('trust on');
  if (vf.spoofchk === false && d.spoofchk !== false) out.push('spoofchk off');
  if (vf.linkState !== null && vf.linkState !== 'auto' && d.state !== vf.linkState) {
    out.push(`state ${vf.linkState}`);
  }
  if (vf.maxTxRate !== 0 && d.maxTxRate !== vf.maxTxRate) out.push(`maxTxRate ${vf.maxTxRate}`);
  if (vf.minTxRate !== 0 && d.minTxRate !== vf.minTxRate) out.push(`minTxRate ${vf.minTxRate}`);
  return out;
}

export function formatTag(t: VlanTag): string {
  const n = normalizeTag(t);
  if (n.vlan === 0) return '0';
  return `${n.vlan}${n.qos === 0 ? '' : ` qos ${n.qos}`}${n.proto === '802.1Q' ? '' : ` proto ${n.proto}`}`;
}
