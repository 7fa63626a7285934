import { copyFile, lstat, mkdir, realpath, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { VfleetError } from '../core/errors.js';
import { waitReady } from './boot-wait.js';
import type { InstanceRecord } from './instance.js';
import { readPidFile, removeInstance, runningQemuPid, stopQemu, writeRecord } from './instance.js';
import type { InstancePaths, LabDeps } from './lab-deps.js';
import { instancePaths, labDir } from './lab-deps.js';
import { buildImage } from './lab-image.js';
import type { LabUpInput, LabUpOptions } from './lab-options.js';
import { IGB_TOTAL_VFS, parseUpOptions } from './lab-options.js';
import { GUEST_BUNDLE, GUEST_FORWARD } from './guest/guest-files.js';
import { pathExists } from './path-exists.js';
import { qemuArgs } from './qemu-args.js';

export const READY_TIMEOUT_MS = 180_000;
/** A unix socket path must fit in sockaddr_un (108 bytes with the NUL). */
const MAX_SOCKET_PATH = 107;

export interface LabUpResult {
  readonly name: string;
  readonly pid: number;
  readonly options: LabUpOptions;
  /** Ms from the start of up() to a ready guest (image check included: under 1 s when cached). */
  readonly readyMs: number;
  /** Ms from starting QEMU to a ready guest. */
  readonly bootMs: number;
  readonly serialLog: string;
  readonly persistDir: string;
  /** `host:port` where the guest reaches the forwarded host port, or null without `forward`. */
  readonly forwardAddress: string | null;
}

export type LabUpRequest = LabUpInput & {
  readonly readyTimeoutMs?: number;
  /** Stops the boot: before QEMU starts, or while waiting for the guest (QEMU is then ended). */
  readonly signal?: AbortSignal;
};

/** The relay QEMU runs per forwarded connection (see qemu-args.ts). */
const relayScript = (deps: LabDeps) => join(deps.installDir, 'dist', 'lab', 'guestfwd-relay.js');

const throwIfAborted = (signal: AbortSignal | undefined) => {
  if (signal?.aborted === true)
    throw new VfleetError('COMMAND_FAILED', 'the lab boot was interrupted', { step: 'lab up' });
};

async function checkCanStart(deps: LabDeps, opts: LabUpOptions, paths: InstancePaths) {
  if (paths.agentSocket.length > MAX_SOCKET_PATH) {
    throw new VfleetError(
      'UNSUPPORTED',
      `the cache folder path is too long for a unix socket: ${paths.agentSocket}`,
      {
        path: paths.agentSocket,
      },
    );
  }
  const cli = join(deps.installDir, 'dist', 'bin', 'vfleet.js');
  const bundle = join(deps.installDir, GUEST_BUNDLE);
  for (const file of [cli, relayScript(deps), bundle]) {
    if (!(await pathExists(file))) {
      throw new VfleetError(
        'MISSING_DEPENDENCY',
        `vfleet is not built (no ${file}): run "npm run build" first`,
        { file },
      );
    }
  }
  // A guest would run yesterday's code without a word: tsc alone rebuilds dist/bin, not the bundle.
  if ((await stat(bundle)).mtimeMs < (await stat(cli)).mtimeMs) {
    throw new VfleetError(
      'MISSING_DEPENDENCY',
      `the guests' bundle ${bundle} is older than ${cli}: run "npm run build"`,
      { file: bundle },
    );
  }
  if ((await runningQemuPid(paths)) !== null) {
    throw new VfleetError('CONFLICT', `lab "${opts.name}" is already up`, { field: 'name' });
  }
  if (opts.vfsMax !== undefined && opts.vfsMax !== IGB_TOTAL_VFS) {
    const detail = `igb always offers ${IGB_TOTAL_VFS} VFs; --vfs-max ${opts.vfsMax} is only recorded`;
    deps.progress({ step: 'options', status: 'info', detail });
  }
}

/**
 * The folder the repo's node_modules links to when it lies outside the repo
 * (a git worktree sharing another checkout's): the guest sees only the repo,
 * where such a link dangles and vfleet cannot load its packages.
 */
async function outsideModules(installDir: string): Promise<string | null> {
  const link = join(installDir, 'node_modules');
  const st = await lstat(link).catch(() => null);
  if (st?.isSymbolicLink() !== true) return null;
  const target = await realpath(link).catch(() => null);
  if (target === null) return null;
  const inside = relative(await realpath(installDir), target);
  return inside.startsWith('..') ? target : null;
}

interface Started {
  readonly pid: number;
  readonly record: InstanceRecord;
  /** When QEMU was started (epoch ms). */
  readonly t1: number;
}

/** Starts QEMU in the background and records the instance; COMMAND_FAILED when it did not start. */
async function startQemu(
  deps: LabDeps,
  opts: LabUpOptions,
  image: { readonly key: string; readonly release: string },
  paths: InstancePaths,
  args: readonly string[],
): Promise<Started> {
  const t1 = deps.clock.now();
  const r = await deps.runner.run('qemu-system-x86_64', args, { timeoutMs: 60_000 });
  const pid = await readPidFile(paths);
  if (r.exitCode !== 0 || pid === null) {
    await removeInstance(paths);
    throw new VfleetError('COMMAND_FAILED', `QEMU did not start: ${r.stderr.trim()}`, {
      command: 'qemu-system-x86_64',
      args,
    });
  }
  const record: InstanceRecord = {
    name: opts.name,
    pid,
    startedAt: t1,
    options: opts,
    imageKey: image.key,
    kernelRelease: image.release,
    readyMs: null,
  };
  await writeRecord(paths, record);
  deps.progress({
    step: 'qemu',
    status: 'ok',
    detail: `pid ${pid}, console log ${paths.serialLog}`,
  });
  return { pid, record, t1 };
}

/**
 * Why a failed boot is worth one more start, or null. Two failures of QEMU's
 * software emulation, each seen once in many boots with nothing of vfleet's at
 * fault, end a boot this way: QEMU gone early with nothing in the console, and
 * a kernel gone silent mid-boot before the agent started (in the igb probe,
 * CI 2026-12-04). A fault in the image or the options fails the same way twice.
 */
export function bootRetryReason(e: unknown): string | null {
  if (!(e instanceof VfleetError)) return null;
  const first = e.message.split(';')[0] ?? '';
  if (e.details.qemuExited === true) return `QEMU exited during boot (${first})`;
  if (e.details.stalledBeforeAgent === true)
    return `the guest went silent before its agent started (${first})`;
  return null;
}

/**
 * `lab up`: builds (or reuses) the image, starts QEMU in the background and
 * waits until the guest is ready. On any failure the QEMU it started is ended
 * and the serial log kept next to the instances for a look.
 */
export async function labUp(deps: LabDeps, input: LabUpRequest): Promise<LabUpResult> {
  const { readyTimeoutMs = READY_TIMEOUT_MS, signal, ...rest } = input;
  const opts = parseUpOptions(rest);
  const t0 = deps.clock.now();
  const paths = instancePaths(deps, opts.name);
  throwIfAborted(signal);
  await checkCanStart(deps, opts, paths);
  const image = await buildImage(deps, opts.kernel);
  throwIfAborted(signal);
  const what = `${opts.pfs} PF(s), NUMA ${opts.numa}, IOMMU ${opts.iommu}`;
  const relay = [deps.nodePath, relayScript(deps)];
  const modulesDir = await outsideModules(deps.installDir);
  const args = qemuArgs(opts, {
    ...image,
    repoDir: deps.installDir,
    ...(modulesDir === null ? {} : { modulesDir }),
    ...paths,
    relay,
  });
  const boot = async (attempt: number) => {
    await removeInstance(paths);
    await mkdir(paths.persistDir, { recursive: true });
    deps.progress({ step: 'qemu', status: 'start', detail: `lab ${opts.name}: ${what}` });
    const started = await startQemu(deps, opts, image, paths, args);
    try {
      await waitReady(deps, paths, {
        pid: started.pid,
        pfs: opts.pfs,
        timeoutMs: readyTimeoutMs,
        ...(signal === undefined ? {} : { signal }),
      });
      return started;
    } catch (e) {
      await stopQemu(started.pid, paths, deps.clock);
      // An interrupted boot did not fail: nothing to keep.
      if (signal?.aborted !== true) {
        const kept = join(
          labDir(deps),
          `${opts.name}-failed-serial${attempt > 1 ? `-${attempt}` : ''}.log`,
        );
        await copyFile(paths.serialLog, kept).catch(() => undefined);
        deps.progress({ step: 'ready', status: 'failed', detail: `serial log kept in ${kept}` });
      }
      await removeInstance(paths);
      throw e;
    }
  };
  let started: Started;
  try {
    started = await boot(1);
  } catch (e) {
    // A second start tells a flake of the emulation from a fault.
    const reason = bootRetryReason(e);
    if (reason === null || signal?.aborted === true) throw e;
    deps.progress({ step: 'qemu', status: 'info', detail: `${reason}; starting it once more` });
    started = await boot(2);
  }
  const { pid, record, t1 } = started;
  const now = deps.clock.now();
  await writeRecord(paths, { ...record, readyMs: now - t0 });
  const secs = ((now - t1) / 1000).toFixed(1);
  deps.progress({ step: 'ready', status: 'ok', detail: `lab ${opts.name} ready in ${secs} s` });
  return {
    name: opts.name,
    pid,
    options: opts,
    readyMs: now - t0,
    bootMs: now - t1,
    serialLog: paths.serialLog,
    persistDir: paths.persistDir,
    forwardAddress:
      opts.forward === undefined ? null : `${GUEST_FORWARD.server}:${opts.forward.port}`,
  };
}
