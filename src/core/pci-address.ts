/** PCI addresses in the kernel's canonical form `dddd:bb:ss.f`, lower case. */

const FULL_RE = /^([0-9a-f]{4}):([0-9a-f]{2}):([0-1][0-9a-f])\.([0-7])$/;
const SHORT_RE = /^([0-9a-f]{2}):([0-1][0-9a-f])\.([0-7])$/;

export interface PciBdf {
  readonly domain: number;
  readonly bus: number;
  readonly slot: number;
  readonly fn: number;
}

/** Accepts `0000:3b:00.0` or `3b:00.0` (domain 0); returns null when malformed. */
export function parsePciAddress(text: string): PciBdf | null {
  const t = text.trim().toLowerCase();
  const full = FULL_RE.exec(t);
  if (full) return toBdf(full[1], full[2], full[3], full[4]);
  const short = SHORT_RE.exec(t);
  if (short) return toBdf('0000', short[1], short[2], short[3]);
  return null;
}

function toBdf(d?: string, b?: string, s?: string, f?: string): PciBdf | null {
  if (d === undefined || b === undefined || s === undefined || f === undefined) return null;
  const slot = parseInt(s, 16);
  if (slot > 0x1f) return null;
  return { domain: parseInt(d, 16), bus: parseInt(b, 16), slot, fn: parseInt(f, 10) };
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

export function formatPciAddress(a: PciBdf): string {
  return `${hex(a.domain, 4)}:${hex(a.bus, 2)}:${hex(a.slot, 2)}.${a.fn}`;
}

export function normalizePciAddress(text: string): string | null {
  const a = parsePciAddress(text);
  return a ? formatPciAddress(a) : null;
}

/**
 * Address of VF `index` from the PF's SR-IOV capability: routing id =
 * PF routing id + offset + index * stride (PCIe SR-IOV 3.3.9/3.3.10).
 * Used when the kernel's `virtfnN` links are missing (or before VFs exist, for plans).
 */
export function vfAddress(pf: PciBdf, offset: number, stride: number, index: number): PciBdf {
  const rid = (pf.bus << 8) + (pf.slot << 3) + pf.fn + offset + index * stride;
  return { domain: pf.domain, bus: (rid >> 8) & 0xff, slot: (rid >> 3) & 0x1f, fn: rid & 0x7 };
}

export function comparePciAddress(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Parses a kernel CPU list (`0-3,8,10-11`) into sorted CPU numbers; null when malformed. */
export function parseCpuList(text: string): number[] | null {
  const t = text.trim();
  if (t === '') return [];
  const cpus = new Set<number>();
  for (const part of t.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m?.[1]) return null;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi - lo > 65536) return null;
    for (let c = lo; c <= hi; c++) cpus.add(c);
  }
  return [...cpus].sort((x, y) => x - y);
}
