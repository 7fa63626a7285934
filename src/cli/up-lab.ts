import type { Command } from 'commander';
import { VfleetError, isVfleetError } from '../core/errors.js';
import { GUEST_NODE, GUEST_REPO_DIR } from '../lab/guest/guest-files.js';
import type { Lab } from '../lab/lab.js';
import { labNameSchema } from '../lab/lab-options.js';
import { createApiClient } from './api-client.js';
import type { CliDeps } from './cli-deps.js';
import { fleetOf, intArg } from './fleet-options.js';
import { loadLab } from './load-lab.js';
import type { HostDetailView } from './fleet-views.js';

/**
 * `vfleet up --lab`: a lab guest (real kernel, igb PFs) whose own `vfleet
 * agent` joins this controller. The guest's one way out is the lab's forward
 * NIC, which QEMU relays to the controller's loopback port.
 */
export const DEFAULT_UP_LAB_NAME = 'vfleet-up';
/** Under emulation the guest's agent joins 45-120 s after it starts (node start-up, a cold first scan). */
const JOIN_TIMEOUT_MS = 300_000;
const AGENT_LOG = '/var/log/vfleet-agent.log';
/**
 * Runs the agent (its argv after `sh -c SCRIPT sh`) in the background for as
 * long as the guest lives, again after a failure, its output in AGENT_LOG.
 */
const AGENT_LOOP = `mkdir -p /var/log
(while :; do "$@"; echo "vfleet agent exited ($?); again in 5 s"; sleep 5; done) </dev/null >>${AGENT_LOG} 2>&1 &`;

export interface LabFlags {
  lab?: boolean;
  labName: string;
  labPfs: number;
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
    .option('--lab-pfs <n>', 'igb PFs of the lab guest (1-8)', intArg('lab-pfs', 1, 8), 2);

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
 * Boots the lab guest with a forward to the controller, starts its agent
 * with a fresh agent token and returns once the host has reported its PFs.
 * On any failure the guest is ended before the error goes on.
 */
export async function joinLabHost(
  deps: CliDeps,
  ctx: UpLabContext,
  o: UpLabOptions,
): Promise<LabMember> {
  const target = forwardTarget(ctx.url);
  const lab = await loadLab(deps, 'vfleet up: lab ');
  deps.err(
    `vfleet up: booting lab ${o.name} (${o.pfs} igb PF(s)); its first run builds the lab image, which takes minutes\n`,
  );
  const onStop = () => {
    deps.err('vfleet up: stopping: the lab boot ends after its current step\n');
  };
  ctx.signal.addEventListener('abort', onStop, { once: true });
  const up = await lab
    .up({ name: o.name, pfs: o.pfs, forward: target, signal: ctx.signal })
    .catch((e: unknown) => {
      throw explainLabError(e, o.name);
    })
    .finally(() => {
      ctx.signal.removeEventListener('abort', onStop);
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
    const argv = [GUEST_NODE, `${GUEST_REPO_DIR}/dist/bin/vfleet.js`, 'agent'];
    const started = await lab.run(
      ['/bin/sh', '-c', AGENT_LOOP, 'sh', ...argv, '--controller', controller, '--host', host],
      { name: o.name, env: { VFLEET_TOKEN: token }, timeoutMs: 30_000 },
    );
    if (started.exitCode !== 0)
      throw new VfleetError('COMMAND_FAILED', `the lab agent did not start: ${started.stderr}`);
    const pfs = await waitJoined(deps, lab, ctx, { host, name: o.name, startedAt });
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

/**
 * Waits until the lab host has reported PFs since its agent started (a host
 * of an earlier run keeps its record, so lastSeen must be new). Register
 * also stamps lastSeen: on a re-run this may end one scan early.
 */
async function waitJoined(
  deps: CliDeps,
  lab: Lab,
  ctx: UpLabContext,
  w: { host: string; name: string; startedAt: number },
): Promise<HostDetailView['pfs']> {
  const api = createApiClient(fleetOf(deps).fetch, ctx.url, ctx.admin);
  const deadline = w.startedAt + JOIN_TIMEOUT_MS;
  while (deps.clock.now() < deadline && !ctx.signal.aborted) {
    const h = await api
      .get<HostDetailView>(`/v1/hosts/${encodeURIComponent(w.host)}`)
      .catch((e: unknown) => {
        if (isVfleetError(e) && e.code === 'NOT_FOUND') return null;
        throw e;
      });
    const fresh = h !== null && h.lastSeen !== null && Date.parse(h.lastSeen) >= w.startedAt;
    if (fresh && h.pfs.length > 0) return h.pfs;
    await deps.clock.sleep(500);
  }
  if (ctx.signal.aborted)
    throw new VfleetError('COMMAND_FAILED', 'interrupted while the lab agent was joining');
  const log = await lab
    .run(['tail', '-n', '15', AGENT_LOG], { name: w.name, timeoutMs: 15_000 })
    .then((r) => r.stdout)
    .catch(() => '(cannot read it)');
  throw new VfleetError(
    'TIMEOUT',
    `the lab host ${w.host} did not report in ${JOIN_TIMEOUT_MS / 1000} s; its agent log (${AGENT_LOG} in the guest) ends:\n${log}`,
    { host: w.host },
  );
}
