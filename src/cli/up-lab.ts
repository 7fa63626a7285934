import type { Command } from 'commander';
import { VfleetError, isVfleetError } from '../core/errors.js';
import {
  GUEST_LINK,
  GUEST_NODE,
  GUEST_BUNDLE,
  GUEST_REPO_DIR,
  NINE_P,
  SHARE_TAGS,
} from '../lab/guest/guest-files.js';
import { freeUdpPorts } from '../lab/free-udp-ports.js';
import { labNameSchema } from '../lab/lab-options.js';
import type { CliDeps } from './cli-deps.js';
import { intArg, parseListen } from './fleet-options.js';
import { loadLab } from './load-lab.js';
import { AGENT_LOG, waitJoined } from './up-lab-join.js';

/**
 * `vfleet up --lab`: a lab guest (real kernel, igb PFs) whose own `vfleet
 * agent` joins this controller. The guest's one way out is the lab's forward
 * NIC, which QEMU relays to the controller's loopback port.
 */
export const DEFAULT_UP_LAB_NAME = 'vfleet-up';
/**
 * Guest RAM under `vfleet up --lab`: the README's `instance create vm1
 * --memory-mb 256` then `instance boot web --memory-mb 1024` must fit on one
 * lab host, and the agent reports MemTotal (about 80 MB under the RAM: 1966 of 2048).
 */
export const DEFAULT_UP_LAB_MEMORY_MB = 2048;
export const MAX_LAB_HOSTS = 4;
/** Where the lab guest's agent looks for images: the agent's default --image-dir. */
const GUEST_IMAGE_DIR = '/var/lib/vfleet/images';
/**
 * Runs the agent (its argv after `sh -c SCRIPT sh`) in the background for as
 * long as the guest lives, again after a failure, its output in AGENT_LOG.
 */
const AGENT_LOOP = `mkdir -p /var/log ${GUEST_IMAGE_DIR}
mount -t 9p -o ro,${NINE_P} ${SHARE_TAGS.images} ${GUEST_IMAGE_DIR} 2>/dev/null ||
  echo "no image share: instances here boot only from images in ${GUEST_IMAGE_DIR}" >>${AGENT_LOG}
(while :; do "$@"; echo "vfleet agent exited ($?); again in 5 s"; sleep 5; done) </dev/null >>${AGENT_LOG} 2>&1 &`;

export interface LabFlags {
  lab?: boolean;
  labName: string;
  labPfs: number;
  labHosts: number;
  labMemory: number;
  labLibvirt?: boolean;
}

/** `vfleet up`'s lab options. */
export const labFlags = (c: Command) =>
  c
    .option('--lab', 'also boot a lab guest (QEMU, igb PFs) whose agent joins this controller')
    .option(
      '--lab-name <name>',
      'the lab instance; its host is lab-NAME',
      labNameArg,
      DEFAULT_UP_LAB_NAME,
    )
    .option('--lab-pfs <n>', 'igb PFs of each lab guest (1-8)', intArg('lab-pfs', 1, 8), 2)
    .option(
      '--lab-hosts <n>',
      `lab guests, each an SR-IOV host of its own (1-${MAX_LAB_HOSTS}): lab-NAME, lab-NAME-2, ...; two let you try placement and migration`,
      intArg('lab-hosts', 1, MAX_LAB_HOSTS),
      1,
    )
    .option(
      '--lab-memory <mb>',
      'RAM of each lab guest in MB (512-65536); its agent reports about 80 MB less to the scheduler',
      intArg('lab-memory', 512, 65536),
      DEFAULT_UP_LAB_MEMORY_MB,
    )
    .option(
      '--lab-libvirt',
      "lab guests run libvirtd and QEMU (this host's own), so their agents boot instances as real, emulated VMs with real VFs (slow: no KVM inside)",
    );

/** The lab instances of `--lab-hosts N`: NAME, then NAME-2 .. NAME-N (hosts lab-NAME, lab-NAME-2, ...). */
export function labNames(name: string, hosts: number): string[] {
  const names = [name, ...Array.from({ length: hosts - 1 }, (_, i) => `${name}-${i + 2}`)];
  const bad = names.find((n) => !labNameSchema.safeParse(n).success);
  if (bad !== undefined)
    throw new VfleetError(
      'INVALID_INPUT',
      `--lab-name: "${name}" is too long for --lab-hosts ${hosts} (the last guest would be "${bad}"; at most 24 characters)`,
      { field: 'lab-name' },
    );
  return names;
}

function labNameArg(value: string): string {
  if (labNameSchema.safeParse(value).success) return value;
  throw new VfleetError(
    'INVALID_INPUT',
    `--lab-name: "${value}" is not 1-24 lower-case letters, digits or dashes`,
    { field: 'lab-name' },
  );
}

export interface UpLabOptions {
  readonly name: string;
  readonly pfs: number;
  /** Guest RAM, MB. */
  readonly memory: number;
  /** The host's image folder, shared read-only where each guest's agent looks for images. */
  readonly imageDir: string;
  /** libvirtd in the guest: its agent drives it (virsh) instead of only rendering. */
  readonly libvirt: boolean;
  /** The migration link to the other lab guest: this one's number on it and the two UDP ports. */
  readonly link?: {
    readonly index: number;
    readonly localPort: number;
    readonly remotePort: number;
  };
}

export interface UpLabContext {
  /** The running controller's URL (`http://127.0.0.1:PORT`). */
  readonly url: string;
  readonly admin: string;
  /** An agent token for `host`, revoking the one of an earlier run. */
  readonly agentToken: (host: string) => Promise<string>;
  /** Aborted on SIGINT/SIGTERM: the boot gives up and its QEMU is ended. */
  readonly signal: AbortSignal;
}

export interface LabMember {
  readonly host: string;
  /** Ends the guest's QEMU (by its pid, through `lab down`) and removes its files. */
  down(): Promise<void>;
}

/** The loopback address and port the lab's forward ends on, for a controller at `url`. */
export function forwardTarget(url: string): { host: '127.0.0.1' | '::1'; port: number } {
  const u = new URL(url);
  // URL drops the scheme's default port: http://127.0.0.1:80 has port ''.
  const port = u.port === '' ? 80 : Number(u.port);
  if (/^127\.\d+\.\d+\.\d+$/.test(u.hostname) || u.hostname === '0.0.0.0')
    return { host: '127.0.0.1', port };
  if (u.hostname === '[::1]' || u.hostname === '[::]') return { host: '::1', port };
  throw new VfleetError(
    'INVALID_INPUT',
    `--lab: the lab guest reaches the controller only over loopback; listen on 127.0.0.1 (or 0.0.0.0), not ${u.host}`,
    { field: 'listen' },
  );
}

/**
 * `up --lab`'s checks before the controller starts: the names, a loopback
 * --listen, and no lab of these names already up. Returns the lab names.
 */
export async function checkLabUp(
  deps: CliDeps,
  o: { readonly listen: string; readonly labName: string; readonly labHosts: number },
): Promise<string[]> {
  const names = labNames(o.labName, o.labHosts);
  const { host, port } = parseListen(o.listen);
  // An address, not a name (localhost): names are checked once the controller has bound one.
  if (/^[\d.]+$/.test(host) || host.includes(':'))
    forwardTarget(`http://${host.includes(':') ? `[${host}]` : host}:${port}`);
  const lab = await loadLab(deps, 'vfleet up: lab ');
  const running = new Set((await lab.status()).filter((s) => s.running).map((s) => s.name));
  const taken = names.find((n) => running.has(n));
  if (taken !== undefined)
    throw explainLabError(
      new VfleetError('CONFLICT', `lab "${taken}" is already up`, { field: 'lab-name' }),
      taken,
    );
  return names;
}

/** Lab failures that mean "cannot run here" say how to make it run. */
export function explainLabError(e: unknown, name: string): unknown {
  if (!isVfleetError(e)) return e;
  if (e.code === 'MISSING_DEPENDENCY')
    return new VfleetError(
      'MISSING_DEPENDENCY',
      `${e.message}; the lab needs QEMU with igb and a built lab image: run "vfleet lab build" (as root it installs them through scripts/setup-lab)`,
      e.details,
    );
  if (e.code === 'CONFLICT')
    return new VfleetError(
      'CONFLICT',
      `${e.message}: another "vfleet up --lab"? Stop it, or "vfleet lab down --name ${name}", or pick --lab-name`,
      e.details,
    );
  return e;
}

/**
 * Boots the lab guests of `names` side by side, each with its own forward to
 * the controller, and returns once every one has joined. The image is built
 * (or found current) once first: concurrent builds would race on its files.
 * If one fails, the others are ended too and the first failure goes on.
 */
export async function joinLabHosts(
  deps: CliDeps,
  ctx: UpLabContext,
  o: {
    readonly names: readonly string[];
    readonly pfs: number;
    readonly memory: number;
    readonly imageDir: string;
    readonly libvirt: boolean;
  },
): Promise<LabMember[]> {
  const lab = await loadLab(deps, 'vfleet up: lab ');
  const what = `${o.names.length} lab guest(s), ${o.pfs} igb PF(s) and ${o.memory} MB each${o.libvirt ? ', with libvirt' : ''}`;
  deps.err(
    `vfleet up: booting ${what}: ${o.names.join(', ')}; the first run builds the lab image, which takes minutes\n`,
  );
  await lab.build().catch((e: unknown) => {
    throw explainLabError(e, o.names[0] ?? DEFAULT_UP_LAB_NAME);
  });
  const onStop = () => {
    deps.err('vfleet up: stopping: the lab boots end after their current step\n');
  };
  ctx.signal.addEventListener('abort', onStop, { once: true });
  try {
    const links = await migrationLinks(o);
    const settled = await Promise.allSettled(
      o.names.map((name, i) =>
        joinLabHost(deps, ctx, {
          name,
          pfs: o.pfs,
          memory: o.memory,
          imageDir: o.imageDir,
          libvirt: o.libvirt,
          ...(links[i] === undefined ? {} : { link: links[i] }),
        }),
      ),
    );
    const members = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed !== undefined) {
      await Promise.all(members.map((m) => m.down().catch(() => undefined)));
      throw failed.reason;
    }
    return members;
  } finally {
    ctx.signal.removeEventListener('abort', onStop);
  }
}

/**
 * With libvirt, the first two lab guests are joined by a migration link (a
 * link has two ends: the guests after them have none), so an instance can
 * live-migrate between them for real.
 */
async function migrationLinks(o: {
  readonly names: readonly string[];
  readonly libvirt: boolean;
}): Promise<NonNullable<UpLabOptions['link']>[]> {
  if (!o.libvirt || o.names.length < 2) return [];
  const [a = 0, b = 0] = await freeUdpPorts(2);
  return [
    { index: 1, localPort: a, remotePort: b },
    { index: 2, localPort: b, remotePort: a },
  ];
}

/**
 * Boots one lab guest with a forward to the controller, starts its agent
 * with a fresh agent token and returns once the host has reported its PFs.
 * On any failure the guest is ended before the error goes on.
 */
async function joinLabHost(deps: CliDeps, ctx: UpLabContext, o: UpLabOptions): Promise<LabMember> {
  const target = forwardTarget(ctx.url);
  // Each guest's boot lines name it: several boot at once.
  const lab = await loadLab(deps, `vfleet up: lab ${o.name}: `);
  const up = await lab
    .up({
      name: o.name,
      pfs: o.pfs,
      memory: o.memory,
      imageDir: o.imageDir,
      libvirt: o.libvirt,
      ...(o.link === undefined ? {} : { link: o.link }),
      forward: target,
      signal: ctx.signal,
    })
    .catch((e: unknown) => {
      throw explainLabError(e, o.name);
    });
  const host = `lab-${o.name}`;
  const member: LabMember = {
    host,
    down: async () => {
      await lab.down(o.name);
    },
  };
  try {
    const controller = `http://${up.forwardAddress ?? ''}`;
    deps.out(
      `lab: ${o.name} is up: QEMU pid ${up.pid}, booted in ${(up.bootMs / 1000).toFixed(1)} s; its agent reaches the controller at ${controller}\n`,
    );
    const token = await ctx.agentToken(host);
    const startedAt = deps.clock.now();
    const argv = [GUEST_NODE, `${GUEST_REPO_DIR}/${GUEST_BUNDLE}`, 'agent'];
    // The other end of the link migrates to this guest's libvirtd over it.
    if (o.link !== undefined)
      argv.push('--migration-uri', `qemu+tcp://${GUEST_LINK.address(o.link.index)}/system`);
    const started = await lab.run(
      ['/bin/sh', '-c', AGENT_LOOP, 'sh', ...argv, '--controller', controller, '--host', host],
      // virsh in the guest warns of its missing locale on every call; C has none to miss.
      { name: o.name, env: { VFLEET_TOKEN: token, LC_ALL: 'C' }, timeoutMs: 30_000 },
    );
    if (started.exitCode !== 0)
      throw new VfleetError('COMMAND_FAILED', `the lab agent did not start: ${started.stderr}`);
    deps.err(`vfleet up: ${host}: agent started; it joins in about 45-120 s\n`);
    const pfs = await waitJoined(deps, lab, {
      host,
      name: o.name,
      startedAt,
      url: ctx.url,
      admin: ctx.admin,
      signal: ctx.signal,
    });
    const secs = ((deps.clock.now() - startedAt) / 1000).toFixed(1);
    const drivers = [...new Set(pfs.map((p) => p.driver ?? '?'))].join(', ');
    deps.out(
      `agent: lab host ${host} joined with ${pfs.length} PF(s) (${drivers}) ${secs} s after its agent started\n`,
    );
    return member;
  } catch (e) {
    await member.down().catch(() => undefined);
    throw e;
  }
}
