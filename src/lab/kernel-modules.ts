import { VfleetError } from '../core/errors.js';

/**
 * Which kernel module files the guest image needs, read from the kernel's own
 * `modules.dep` (written by depmod) and `modules.builtin`.
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

export interface ModuleSelection {
  /** Module files (relative to lib/modules/<version>) the wanted modules need, dependencies included. */
  readonly files: readonly string[];
  /** Wanted modules compiled into the kernel: nothing to load. */
  readonly builtin: readonly string[];
}

/** Resolves wanted modules through modules.dep; a name that is neither a module nor built in is an error. */
export function selectModules(
  wanted: readonly string[],
  modulesDep: string,
  modulesBuiltin: string,
): ModuleSelection {
  const dep = parseModulesDep(modulesDep);
  const builtinNames = new Set(
    modulesBuiltin
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(moduleName),
  );
  const files = new Set<string>();
  const builtin: string[] = [];
  for (const name of wanted.map(moduleName)) {
    const entry = dep.get(name);
    if (entry === undefined) {
      if (builtinNames.has(name)) builtin.push(name);
      else {
        throw new VfleetError('UNSUPPORTED', `the lab kernel has no module ${name}`, {
          module: name,
        });
      }
      continue;
    }
    // modules.dep lists the full transitive closure of each module.
    files.add(entry.path);
    for (const d of entry.deps) files.add(d);
  }
  return { files: [...files].sort(), builtin };
}
