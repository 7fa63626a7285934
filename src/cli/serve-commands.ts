import type { Command } from 'commander';
import type { CliDeps } from './cli-deps.js';
import { controllerUrl, DEFAULT_URL, resolveToken } from './fleet-options.js';
import {
  agentOptions,
  logOptions,
  serveOptions,
  type AgentOptions,
  type ServeOptions,
} from './serve-options.js';
import { checkImageDir, checkSeedDir } from './serve-preflight.js';
import { serveUntilStopped, startAgent, startController } from './serve-run.js';
import { registerUpCommand } from './up-command.js';

/** `vfleet controller` and `vfleet agent`, then `vfleet up`, which runs both (up-command.ts). */
export function registerServeCommands(program: Command, deps: CliDeps): void {
  logOptions(
    serveOptions(
      program
        .command('controller')
        .description(
          'run the fleet controller: the /v1 API, OpenAPI at /openapi.json, docs at /docs',
        ),
    ),
  ).action(async (o: ServeOptions) => {
    const { ctl } = await startController(deps, o, false);
    await serveUntilStopped(deps, { agent: null, ctl });
  });

  logOptions(
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
    ),
  ).action(async (o: AgentOptions, cmd: Command) => {
    await checkImageDir(deps, o, cmd);
    checkSeedDir(o);
    const url = await controllerUrl(deps, o.controller);
    const agent = await startAgent(deps, o, url, await resolveToken(deps, o));
    deps.out(`agent: following ${url}\n`);
    if (agent.metricsUrl !== null) deps.out(`agent metrics: ${agent.metricsUrl}\n`);
    await serveUntilStopped(deps, { agent, ctl: null });
  });

  registerUpCommand(program, deps);
}
