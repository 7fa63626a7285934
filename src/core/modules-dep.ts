/**
 * depmod's index of a kernel's modules (`/lib/modules/<release>/modules.dep`):
 * each module's file and every module it needs, the last to load first.
 * Read by the lab's image build and by the datapath bench's guest.
 */

/** Module name as modprobe knows it: file name without `.ko*`, `-` as `_`. */
export function moduleName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');
}

/** name -> { path of its file, paths of the modules it needs } */
export function parseModulesDep(text: string): Map<string, { path: string; deps: string[] }> {
  const map = new Map<string, { path: string; deps: string[] }>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const path = line.slice(0, colon).trim();
    const deps = line
      .slice(colon + 1)
      .split(/\s+/)
      .filter((d) => d !== '');
    map.set(moduleName(path), { path, deps });
  }
  return map;
}
