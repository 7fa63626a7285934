/**
 * Reading samples back out of Prometheus text exposition in tests: the
 * value of the one series of `name` whose labels include all of `labels`.
 */
export function sampleValue(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | null {
  const found = samples(text, name).filter((s) =>
    Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${String(found.length)} series of ${name} match`);
  return found[0]?.value ?? null;
}

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Every sample of `name` (exactly that name: a histogram's `_bucket` is its own). */
export function samples(text: string, name: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (m?.[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1] ?? ''] = (l[2] ?? '').replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

/** Every metric family name a `# TYPE` line declares. */
export const familyNames = (text: string): string[] =>
  [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] ?? '');
