import { resolve } from 'node:path';
import type { Command } from 'commander';
import { VfleetError } from '../core/errors.js';
import type { Weigher } from '../core/scheduler/types.js';
import { createApiClient } from '../api/client.js';
import type { CliDeps } from './cli-deps.js';
import { hostRootOption } from './common-options.js';
import type { StartedAgent, StartedController } from './fleet-deps.js';
import {
  adminTokenFileIn,
  collect,
  controllerUrl,
  DEFAULT_LISTEN,
  DEFAULT_URL,
  fleetOf,
  parseLabels,
  parseListen,
  resolveToken,
  urlFileIn,
  weigherOption,
} from './fleet-options.js';
import { tokenRoutes } from '../api/routes/tokens.js';
import { parseQuotaDefaults, quotaDefaultsHelp } from './quota-defaults-arg.js';
import { httpLimitOptions, httpLimitsOf, type HttpLimitOptions } from './http-limit-options.js';
import type { LabFlags, LabMember } from './up-lab.js';
import { checkLabUp, joinLabHosts, labFlags } from './up-lab.js';
import { checkImageDir } from './serve-preflight.js';

interface ServeOptions extends HttpLimitOptions {
  listen: string;
  dataDir?: string;
  adminTokenFile?: string;
  weigher: Weigher;
  defaultQuota?: string[];
  tenantBridge?: string[];
  tenantLibvirtNetwork?: string[];
}
interface AgentOptions {
  controller?: string;
  token?: string;
  tokenFile?: string;
  hostRoot: string;
  host?: string;
  label?: string[];
  libvirtUri?: string;
  migrationUri?: string;
  renderOnly?: boolean;
  imageDir: string;
}

/** Where images live on a host unless `--image-dir` says otherwise (docs/security.md). */
const DEFAULT_IMAGE_DIR = '/var/lib/vfleet/images';

const serveOptions = (c: Command) =>
  httpLimitOptions(c)
    .option('--listen <host:port>', 'address to listen on', DEFAULT_LISTEN)
    .option(
      '--data-dir <dir>',
      'embedded database and admin token (default: $VFLEET_DATA_DIR or per user)',
    )
    .option(
      '--admin-token-file <file>',
      'where the first admin token is written (default: DATA_DIR/admin-token)',
    )
    .addOption(weigherOption())
    .option('--default-quota <key=value>', quotaDefaultsHelp(), collect)
    .option(
      '--tenant-bridge <name>',
      'a host bridge tenants may attach ports to (repeatable; default: none)',
      collect,
    )
    .option(
      '--tenant-libvirt-network <name>',
      'a libvirt network tenants may attach ports to (repeatable; default: default)',
      collect,
    );

const agentOptions = (c: Command) =>
  c
    .addOption(hostRootOption())
    .option('--host <name>', "the host's name in the fleet (default: its hostname)")
    .option('--label <k=v>', 'a label for the host, on first registration (repeatable)', collect)
    .option(
      '--libvirt-uri <uri>',
      "libvirt connection for the instances' domains (default: virsh's)",
    )
    .option(
      '--migration-uri <uri>',
      'how other hosts reach this libvirt for live migration (default: qemu+ssh://HOST/system)',
    )
    .option(
      '--render-only',
      'render domains but never touch libvirt (also the fallback without it)',
    )
    .option(
      '--image-dir <dir>',
      'the image store: disk images instances boot from by name (below --host-root)',
      DEFAULT_IMAGE_DIR,
    );

async function startController(deps: CliDeps, o: ServeOptions, embedded: boolean) {
  const fleet = fleetOf(deps);
  const dataDir = resolve(o.dataDir ?? fleet.defaults.dataDir);
  const adminTokenFile = resolve(o.adminTokenFile ?? adminTokenFileIn(dataDir));
  const ctl = await fleet.startController({
    ...parseListen(o.listen),
    dataDir,
    adminTokenFile,
    weigher: o.weigher,
    quotas: parseQuotaDefaults(o.defaultQuota ?? []),
    tenantPortSources: {
      ...(o.tenantBridge === undefined ? {} : { bridges: o.tenantBridge }),
      ...(o.tenantLibvirtNetwork === undefined ? {} : { libvirtNetworks: o.tenantLibvirtNetwork }),
    },
    embedded,
    http: httpLimitsOf(o),
    log: (l) => {
      deps.err(`vfleet controller: ${l}\n`);
    },
  });
  await deps
    .hostFs('/')
    .writeFileAtomic(urlFileIn(dataDir), `${ctl.url}\n`)
    .catch((e: unknown) => {
      deps.err(`vfleet controller: cannot note the URL in ${dataDir}: ${String(e)}\n`);
    });
  deps.out(
    `controller: ${ctl.url} (API docs ${ctl.url}/docs)\nstorage: ${ctl.storage}\n` +
      `admin token: ${adminTokenFile}${ctl.adminTokenCreated ? ' (created now)' : ''}\n`,
  );
  return { ctl, adminTokenFile };
}

function startAgent(deps: CliDeps, o: AgentOptions, controller: string, token: string) {
  return fleetOf(deps).startAgent({
    controller,
    token,
    ...(o.host === undefined ? {} : { host: o.host }),
    labels: parseLabels(o.label ?? []),
    io: { fs: deps.hostFs(o.hostRoot), runner: deps.runner, clock: deps.clock },
    liveRoot: resolve(o.hostRoot) === '/',
    hostRoot: resolve(o.hostRoot),
    imageDir: o.imageDir,
    log: (l) => {
      deps.err(`vfleet agent: ${l}\n`);
    },
    libvirt: {
      ...(o.libvirtUri === undefined ? {} : { uri: o.libvirtUri }),
      ...(o.migrationUri === undefined ? {} : { migrationUri: o.migrationUri }),
      ...(o.renderOnly === true ? { renderOnly: true } : {}),
    },
  });
}

interface Running {
  readonly agent: StartedAgent | null;
  readonly ctl: StartedController | null;
  /** The lab guests of `up --lab`, stopped first. */
  readonly labs?: readonly LabMember[];
  /** The signal's name once SIGINT/SIGTERM came (listened for from the start of `up`). */
  readonly stopped?: Promise<string>;
}

/** Runs until SIGINT/SIGTERM (or the agent fails), then stops everything in order. */
async function serveUntilStopped(deps: CliDeps, r: Running): Promise<void> {
  const stopped = (r.stopped ?? fleetOf(deps).untilStopped()).then((sig) => ({ sig }));
  try {
    const agent = r.agent;
    const first = await Promise.race([stopped, ...(agent ? [agent.done.then(() => null)] : [])]);
    if (first !== null) deps.err(`vfleet: ${first.sig}: shutting down\n`);
  } finally {
    await stopAll(deps, r);
  }
}

/** The lab guests first (their agents go with them), then this host's agent, then the controller. */
async function stopAll(deps: CliDeps, r: Running): Promise<void> {
  await Promise.all(
    (r.labs ?? []).map(async (lab) => {
      deps.err(`vfleet up: stopping the lab host ${lab.host}\n`);
      await lab.down().catch((e: unknown) => {
        deps.err(`vfleet up: cannot stop the lab host ${lab.host}: ${String(e)}\n`);
      });
    }),
  );
  await r.agent?.stop();
  await r.ctl?.close();
}

export function registerServeCommands(program: Command, deps: CliDeps): void {
  serveOptions(
    program
      .command('controller')
      .description(
        'run the fleet controller: the /v1 API, OpenAPI at /openapi.json, docs at /docs',
      ),
  ).action(async (o: ServeOptions) => {
    const { ctl } = await startController(deps, o, false);
    await serveUntilStopped(deps, { agent: null, ctl });
  });

  agentOptions(
    program
      .command('agent')
      .description("keep this host in line with the controller's declared state")
      .option(
        '--controller <url>',
        `controller URL (default: $VFLEET_URL, else the local controller's, else ${DEFAULT_URL})`,
      )
      .option('--token <token>', 'agent token for this host (default: $VFLEET_TOKEN)')
      .option('--token-file <file>', 'read the token from FILE'),
  ).action(async (o: AgentOptions, cmd: Command) => {
    await checkImageDir(deps, o, cmd);
    const url = await controllerUrl(deps, o.controller);
    const agent = await startAgent(deps, o, url, await resolveToken(deps, o));
    deps.out(`agent: following ${url}\n`);
    await serveUntilStopped(deps, { agent, ctl: null });
  });

  labFlags(
    agentOptions(
      serveOptions(
        program
          .command('up')
          .description(
            'controller and an agent for this host in one process, on embedded storage; --lab adds a lab guest whose agent joins',
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
