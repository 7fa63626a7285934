/**
 * Rows of a read for many hosts, split by host and mapped, in the read's
 * order: what a many-host read (desired inputs, domains, tasks) hands back.
 */
export function groupRows<R, T>(
  rows: readonly R[],
  key: (r: R) => string,
  map: (r: R) => T,
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list === undefined) out.set(k, [map(r)]);
    else list.push(map(r));
  }
  return out;
}
