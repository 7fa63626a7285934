import { moduleName, parseModulesDep } from '../../core/modules-dep.js';
import type { HostFs } from '../../core/ports.js';

export interface GuestModules {
  /** Loadable modules in load order: each one's dependencies come before it. */
  readonly files: readonly { name: string; file: string }[];
  /** Modules the kernel has neither as a file nor built in. */
  readonly missing: readonly string[];
}

const lines = (text: string | null) => (text ?? '').split('\n').filter((l) => l.trim() !== '');

/**
 * The kernel modules a guest booted on the host's kernel `release` must
 * insmod for `names`, read from depmod's own index (`modules.dep`, each
 * module's dependencies, all of them, the last to load first), so it needs
 * neither kmod's modinfo nor modprobe (busybox's insmod resolves nothing).
 * Each file once, dependencies first; built-in ones need no file.
 */
export async function guestModules(
  fs: HostFs,
  release: string,
  names: readonly string[],
): Promise<GuestModules> {
  const dir = `/lib/modules/${release}`;
  const deps = parseModulesDep((await fs.readText(`${dir}/modules.dep`)) ?? '');
  const builtin = new Set(lines(await fs.readText(`${dir}/modules.builtin`)).map(moduleName));
  const files: { name: string; file: string }[] = [];
  const missing: string[] = [];
  const add = (file: string) => {
    const name = moduleName(file);
    if (!files.some((f) => f.name === name)) files.push({ name, file: `${dir}/${file}` });
  };
  for (const given of names) {
    const name = moduleName(given);
    const entry = deps.get(name);
    if (entry === undefined) {
      if (!builtin.has(name)) missing.push(name);
      continue;
    }
    for (const d of entry.deps.toReversed()) add(d);
    add(entry.path);
  }
  return { files, missing };
}
