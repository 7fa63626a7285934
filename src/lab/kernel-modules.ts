import { VfleetError } from '../core/errors.js';
import { moduleName, parseModulesDep } from '../core/modules-dep.js';

/**
 * Which kernel module files the guest image needs, read from the kernel's own
 * `modules.dep` (written by depmod) and `modules.builtin`.
 */

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
