/**
 * An interface address with its prefix length (`10.0.1.1/24`,
 * `2001:db8::1/64`), as a guest's network configuration takes it. Parsed
 * here (core is pure: no `node:net`) so the API can refuse a bad one with
 * the reason before anything is claimed.
 */
export interface IpPrefix {
  readonly family: 4 | 6;
  /** As written, lower-cased. */
  readonly text: string;
  readonly prefixLength: number;
}

const V4_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function isIpv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => V4_OCTET.test(p));
}

/** RFC 4291 text forms: eight groups, one `::`, an embedded IPv4 tail. */
function isIpv6(s: string): boolean {
  if (s.length > 45 || s.includes(':::')) return false;
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const all = halves.flatMap(groups);
  const last = all.at(-1) ?? '';
  const v4Tail = last.includes('.');
  if (v4Tail && !isIpv4(last)) return false;
  const hex = v4Tail ? all.slice(0, -1) : all;
  if (!hex.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return false;
  const count = hex.length + (v4Tail ? 2 : 0);
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** Why `text` is not an address with a prefix length; null when it is one. */
export function ipPrefixProblem(text: string): string | null {
  const s = text.trim().toLowerCase();
  const slash = s.indexOf('/');
  if (slash < 0) return `"${text}": give the prefix length too, e.g. 10.0.1.1/24`;
  const addr = s.slice(0, slash);
  const len = s.slice(slash + 1);
  const family = isIpv4(addr) ? 4 : isIpv6(addr) ? 6 : null;
  if (family === null) return `"${text}": not an IPv4 or IPv6 address`;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(len) || Number(len) > max || Number(len) === 0)
    return `"${text}": the prefix length must be 1-${max}`;
  return null;
}

/** The parsed prefix; null when `ipPrefixProblem` has a reason. */
export function parseIpPrefix(text: string): IpPrefix | null {
  if (ipPrefixProblem(text) !== null) return null;
  const s = text.trim().toLowerCase();
  const [addr = '', len = ''] = s.split('/');
  return { family: isIpv4(addr) ? 4 : 6, text: s, prefixLength: Number(len) };
}
