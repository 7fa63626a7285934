export function splitLabel(kv: string): [string, string] {
  const eq = kv.indexOf('=');
  return [kv.slice(0, eq), kv.slice(eq + 1)];
}
