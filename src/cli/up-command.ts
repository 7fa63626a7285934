import { resolve } from 'node:path';
import type { Command } from 'commander';
import { VfleetError } from '../core/errors.js';
import { createApiClient } from '../api/client.js';
import { tokenRoutes } from '../api/routes/tokens.js';
import type { CliDeps } from './cli-deps.js';
import type { StartedAgent } from './fleet-deps.js';
import { fleetOf } from './fleet-options.js';
import {
  agentOptions,
  logOptions,
  serveOptions,
  type AgentOptions,
  type ServeOptions,
} from './serve-options.js';
import { checkImageDir, checkSeedDir } from './serve-preflight.js';
import { serveUntilStopped, startAgent, startController, stopAll } from './serve-run.js';
import type { LabFlags, LabMember } from './up-lab.js';
import { checkLabUp, joinLabHosts, labFlags } from './up-lab.js';

/** `vfleet up`: the controller and this host's agent in one process, and with --lab, lab hosts. */
export function registerUpCommand(program: Command, deps: CliDeps): void {
  labFlags(
    logOptions(
      agentOptions(
        serveOptions(
          program
            .command('up')
            .description(
              'controller and an agent for this host in one process, on embedded storage; --lab adds a lab guest whose agent joins',
            ),
        ),
      ),
    ),
  ).action(async (o: ServeOptions & AgentOptions & LabFlags, cmd: Command) => {
    // Listened for from the start: a signal during a lab boot must still end its QEMU.
    const stopped = fleetOf(deps).untilStopped();
    const interrupted = new AbortController();
    void stopped.then(() => {
      interrupted.abort();
    });
    // What the paths and the lab cannot do is told before the database is built.
    await checkImageDir(deps, o, cmd);
    checkSeedDir(o);
    const labNames = o.lab === true ? await checkLabUp(deps, o) : [];
    const { ctl, adminTokenFile } = await startController(deps, o, true);
    let agent: StartedAgent | null = null;
    let labs: LabMember[] = [];
    try {
      const admin = (await deps.hostFs('/').readText(adminTokenFile))?.trim();
      if (admin === undefined || admin === '') {
        throw new VfleetError(
          'NOT_FOUND',
          `the admin token file ${adminTokenFile} is missing; the database already has an admin token, so pass the file that holds it with --admin-token-file`,
          { field: 'admin-token-file' },
        );
      }
      const host = o.host ?? (await hostnameOf(deps, o.hostRoot));
      const token = await agentToken(deps, ctl.url, admin, host);
      agent = await startAgent(deps, { ...o, host }, ctl.url, token);
      deps.out(`agent: host ${host} joined\n`);
      if (agent.metricsUrl !== null) deps.out(`agent metrics: ${agent.metricsUrl}\n`);
      if (labNames.length > 0) {
        labs = await joinLabHosts(
          deps,
          {
            url: ctl.url,
            admin,
            agentToken: (h) => agentToken(deps, ctl.url, admin, h),
            signal: interrupted.signal,
          },
          {
            names: labNames,
            pfs: o.labPfs,
            memory: o.labMemory,
            imageDir: await labImageDir(deps, o),
            libvirt: o.labLibvirt === true,
          },
        );
      }
    } catch (e) {
      await stopAll(deps, { agent, ctl });
      if (!interrupted.signal.aborted) throw e;
      // Ctrl-C during the lab boot: what was started is stopped; that is a clean exit.
      deps.err(`vfleet: ${await stopped}: shutting down\n`);
      return;
    }
    await serveUntilStopped(deps, { agent, ctl, labs, stopped });
  });
}

/**
 * The folder of images the lab hosts boot from: DATA_DIR/images on this
 * machine (/var/lib/vfleet/images for root), shared read-only into every guest.
 */
async function labImageDir(deps: CliDeps, o: ServeOptions): Promise<string> {
  const dir = resolve(o.dataDir ?? fleetOf(deps).defaults.dataDir, 'images');
  // Made if missing (a dot file is never an image name), so the share always exists.
  await deps
    .hostFs('/')
    .writeFileAtomic(
      `${dir}/.vfleet-lab-images`,
      'disk images the lab hosts of vfleet up boot from, by file name\n',
    );
  deps.err(`vfleet up: lab images: ${dir} (shared read-only with the lab hosts)\n`);
  return dir;
}

async function hostnameOf(deps: CliDeps, root: string): Promise<string> {
  const name = (await deps.hostFs(root).readText('/proc/sys/kernel/hostname'))?.trim() ?? '';
  if (name === '')
    throw new VfleetError('INVALID_INPUT', 'the host has no hostname; pass --host NAME', {
      field: 'host',
    });
  return name;
}

/** A fresh agent token for `up`'s own agent; the one of an earlier run is revoked. */
async function agentToken(deps: CliDeps, url: string, admin: string, host: string) {
  const api = createApiClient({ baseUrl: url, token: admin, fetch: fleetOf(deps).fetch });
  const name = `up-agent-${host}`.slice(0, 63);
  for (const t of await api.list(tokenRoutes.list, {}))
    if (t.name === name) await api.call(tokenRoutes.remove, { params: { id: t.id } });
  const t = await api.call(tokenRoutes.create, { body: { name, role: 'agent', host } });
  return t.token;
}
