import { availableParallelism } from 'node:os';
import {
  chmod,
  copyFile,
  cp,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rename,
  rm,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { VfleetError } from '../core/errors.js';
import { runChecked } from './checked-run.js';
import { moduleName } from '../core/modules-dep.js';
import type { KernelPackage } from './kernel-package.js';
import type { LabDeps } from './lab-deps.js';
import { labDir } from './lab-deps.js';

/**
 * The kernel's own simulators, which Debian's kernels do not build: netdevsim
 * (a devlink device with VFs, an eswitch and representors, no PCI) and
 * vdpa_sim_net (a vDPA management device, `vdpasim_net`). The lab builds them
 * out of tree from Debian's `linux-source-X.Y` against the matching
 * `linux-headers-<release>`, so they load into Debian's own 6.12 kernel
 * (the lab's `vdpa` kernel line).
 *
 * Bump SIM_FORMAT when the way they are built changes: the cache sees the
 * kernel release only.
 */
const SIM_FORMAT = 1;

interface SimUnit {
  /** The module a kernel must lack for this unit to be built. */
  readonly module: string;
  /** Folder or file in the kernel source, copied into the build folder. */
  readonly source: string;
  /** Line of the build folder's Kbuild. */
  readonly kbuild: string;
  /** Kconfig symbols the unit's own Makefile reads, set on make's command line. */
  readonly config: readonly string[];
  /** Module files the unit makes, relative to the build folder. */
  readonly files: readonly string[];
  /** Modules of the stock kernel the unit needs: without them it cannot be built. */
  readonly needs: readonly string[];
}

const UNITS: readonly SimUnit[] = [
  {
    module: 'netdevsim',
    source: 'drivers/net/netdevsim',
    kbuild: 'obj-m += netdevsim/',
    config: ['CONFIG_NETDEVSIM=m'],
    files: ['netdevsim/netdevsim.ko'],
    needs: [],
  },
  {
    // vdpa_sim's ring helpers: a module of its own, selected by no Debian driver.
    module: 'vringh',
    source: 'drivers/vhost/vringh.c',
    kbuild: 'obj-m += vringh.o',
    config: [],
    files: ['vringh.ko'],
    needs: ['vhost_iotlb'],
  },
  {
    module: 'vdpa_sim_net',
    source: 'drivers/vdpa/vdpa_sim',
    kbuild: 'obj-m += vdpa_sim/',
    config: ['CONFIG_VDPA_SIM=m', 'CONFIG_VDPA_SIM_NET=m'],
    files: ['vdpa_sim/vdpa_sim.ko', 'vdpa_sim/vdpa_sim_net.ko'],
    needs: ['vdpa', 'vhost_iotlb', 'vringh'],
  },
];

export interface SimModules {
  /** Folder holding the built `.ko` files (flat). */
  readonly dir: string;
  /** Module names built (the kernel had none of them). */
  readonly modules: readonly string[];
  /** What could not be built for this kernel, with why. */
  readonly missing: readonly string[];
}

interface BuildRecord {
  readonly format: number;
  readonly release: string;
  readonly modules: readonly string[];
  readonly missing: readonly string[];
}

/** Names of the modules (and built-ins) a kernel tree has, from depmod's files. */
export function kernelModuleNames(modulesDep: string, modulesBuiltin: string): Set<string> {
  const names = new Set<string>();
  for (const line of `${modulesDep}\n${modulesBuiltin}`.split('\n')) {
    const path = line.split(':')[0]?.trim() ?? '';
    if (path !== '') names.add(moduleName(path));
  }
  return names;
}

/** Which units to build for a kernel that has `have`, and which cannot be built and why. */
export function planSimUnits(have: ReadonlySet<string>): {
  build: readonly SimUnit[];
  missing: readonly string[];
} {
  const build: SimUnit[] = [];
  const missing: string[] = [];
  const built = new Set<string>();
  for (const u of UNITS) {
    if (have.has(u.module)) continue;
    const lacking = u.needs.filter((n) => !have.has(n) && !built.has(n));
    if (lacking.length > 0) {
      missing.push(`${u.module}: the kernel has no module ${lacking.join(', ')} to build it on`);
      continue;
    }
    build.push(u);
    built.add(u.module);
  }
  return { build, missing };
}

/** The compiler the kernel was built with (`CONFIG_CC_VERSION_TEXT`'s first word), which modules must match. */
export function kernelCompiler(config: string): string | null {
  const m = /^CONFIG_CC_VERSION_TEXT="(\S+)/m.exec(config);
  return m?.[1] ?? null;
}

/** `linux-headers-*-common` and `linux-kbuild-*` out of the headers package's Depends. */
export function headerCompanions(depends: string): string[] {
  return depends
    .split(',')
    .map((d) => d.trim().split(/\s+/)[0] ?? '')
    .filter((p) => /^linux-headers-.*-common$/.test(p) || p.startsWith('linux-kbuild-'));
}

const simDir = (deps: LabDeps, release: string) => join(labDir(deps), 'sim-modules', release);

async function readRecord(dir: string): Promise<BuildRecord | null> {
  try {
    return JSON.parse(await readFile(join(dir, 'build.json'), 'utf8')) as BuildRecord;
  } catch {
    return null;
  }
}

const debFor = async (dir: string, pkg: string) =>
  (await readdir(dir)).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));

/**
 * Builds (once per kernel release, cached under `<cacheDir>/lab/sim-modules`)
 * the simulators the lab kernel lacks. `root` is the unpacked kernel package,
 * whose modules.dep says what the kernel already has.
 */
export async function ensureSimModules(
  deps: LabDeps,
  kernel: KernelPackage,
  have: ReadonlySet<string>,
): Promise<SimModules> {
  const dir = simDir(deps, kernel.release);
  const cached = await readRecord(dir);
  if (cached?.format === SIM_FORMAT && cached.release === kernel.release) {
    deps.progress({
      step: 'simulators',
      status: 'skipped',
      detail: `${cached.modules.join(', ') || 'none needed'} (cached)`,
    });
    return { dir, modules: cached.modules, missing: cached.missing };
  }
  const plan = planSimUnits(have);
  const root = join(labDir(deps), 'sim-modules');
  await mkdir(root, { recursive: true });
  const partial = await mkdtemp(join(root, `${kernel.release}.partial-`));
  await chmod(partial, 0o755);
  const work = await mkdtemp(join(root, `${kernel.release}.work-`));
  try {
    if (plan.build.length > 0) {
      deps.progress({
        step: 'simulators',
        status: 'start',
        detail: `building ${plan.build.map((u) => u.module).join(', ')} for ${kernel.release}`,
      });
      await buildUnits(deps, kernel, plan.build, work, partial);
    }
    const record: BuildRecord = {
      format: SIM_FORMAT,
      release: kernel.release,
      modules: plan.build.flatMap((u) => u.files.map(baseModule)),
      missing: plan.missing,
    };
    await writeFile(join(partial, 'build.json'), `${JSON.stringify(record, null, 2)}\n`);
    for (const old of await readdir(root)) {
      if (old !== kernel.release && !old.includes('.'))
        await rm(join(root, old), { recursive: true, force: true });
    }
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
    deps.progress({
      step: 'simulators',
      status: plan.missing.length === 0 ? 'ok' : 'failed',
      detail: [record.modules.join(', '), ...plan.missing].filter((s) => s !== '').join('; '),
    });
    return { dir, modules: record.modules, missing: record.missing };
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    throw e;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const baseModule = (f: string) => f.slice(f.lastIndexOf('/') + 1).replace(/\.ko$/, '');

async function buildUnits(
  deps: LabDeps,
  kernel: KernelPackage,
  units: readonly SimUnit[],
  work: string,
  out: string,
): Promise<void> {
  const { runner } = deps;
  const debs = join(work, 'debs');
  const root = join(work, 'root');
  await mkdir(debs);
  const download = (pkgs: readonly string[]) =>
    runChecked(runner, 'env', ['-C', debs, 'apt-get', 'download', ...pkgs], 30 * 60_000);
  const field = async (deb: string, name: string) =>
    (await runChecked(runner, 'dpkg-deb', ['-f', join(debs, deb), name], 60_000)).stdout.trim();

  const version = (
    await runChecked(runner, 'dpkg-deb', ['-f', kernel.deb, 'Version'], 60_000)
  ).stdout.trim();
  const headers = `linux-headers-${kernel.release}`;
  await download([`${headers}=${version}`]);
  const headersDeb = await debFor(debs, headers);
  if (headersDeb === undefined) throw downloadFailed(headers);
  const companions = headerCompanions(await field(headersDeb, 'Depends'));
  const [major, minor] = kernel.release.split('.');
  const source = `linux-source-${major}.${minor}`;
  await download([...companions.map((p) => `${p}=${version}`), `${source}=${version}`]);
  for (const f of await readdir(debs)) {
    await runChecked(runner, 'dpkg-deb', ['-x', join(debs, f), root], 10 * 60_000);
  }

  // The headers package's Makefile includes its `-common` twin by its absolute
  // /usr/src path: point it at the unpacked copy instead of installing both.
  const headersDir = join(root, 'usr', 'src', headers);
  const makefile = join(headersDir, 'Makefile');
  await writeFile(
    makefile,
    (await readFile(makefile, 'utf8')).replace(
      /^include \/usr\/src\//m,
      `include ${root}/usr/src/`,
    ),
  );
  const cc = kernelCompiler(await readFile(join(headersDir, '.config'), 'utf8'));
  if (cc === null)
    throw new VfleetError('UNSUPPORTED', `${headers} names no compiler in its .config`, {});

  const tarball = (await readdir(join(root, 'usr', 'src'))).find((f) =>
    /^linux-source-.*\.tar\.xz$/.test(f),
  );
  if (tarball === undefined) throw downloadFailed(source);
  const top = tarball.replace(/\.tar\.xz$/, '');
  const src = join(work, 'src');
  await mkdir(src);
  await runChecked(
    runner,
    'tar',
    [
      '-xJf',
      join(root, 'usr', 'src', tarball),
      '-C',
      src,
      ...units.map((u) => `${top}/${u.source}`),
    ],
    10 * 60_000,
  );
  const build = join(work, 'build');
  await mkdir(build);
  for (const u of units) {
    const from = join(src, top, u.source);
    const name = u.source.slice(u.source.lastIndexOf('/') + 1);
    await cp(from, join(build, name), { recursive: true });
  }
  await writeFile(join(build, 'Kbuild'), `${units.map((u) => u.kbuild).join('\n')}\n`);
  deps.progress({ step: 'simulators', status: 'info', detail: `make (${cc})` });
  await runChecked(
    runner,
    'make',
    [
      '-C',
      headersDir,
      `M=${build}`,
      `CC=${cc}`,
      // BTF for modules needs pahole, and nothing here reads it.
      'CONFIG_DEBUG_INFO_BTF_MODULES=',
      ...units.flatMap((u) => u.config),
      `-j${availableParallelism()}`,
      'modules',
    ],
    30 * 60_000,
  );
  for (const f of units.flatMap((u) => u.files)) {
    const dest = join(out, f.slice(f.lastIndexOf('/') + 1));
    await copyFile(join(build, f), dest);
    await runChecked(runner, 'strip', ['--strip-debug', dest], 60_000);
  }
}

const downloadFailed = (pkg: string) =>
  new VfleetError('COMMAND_FAILED', `apt-get download ${pkg} gave no package`, { package: pkg });
