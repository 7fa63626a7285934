/** `[0,1,2,3,8,10,11]` → `0-3,8,10-11`, the form libvirt's cpuset and nodeset take. */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const lo = sorted[i] ?? 0;
    let hi = lo;
    while (sorted[i + 1] === hi + 1) {
      hi += 1;
      i += 1;
    }
    parts.push(lo === hi ? String(lo) : `${lo}-${hi}`);
    i += 1;
  }
  return parts.join(',');
}
