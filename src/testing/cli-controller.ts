import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FleetTestEnv, RunningCli } from './fleet-cli.js';
import { fleetTestEnv, launchCli } from './fleet-cli.js';

/** `vfleet controller --listen 127.0.0.1:0` run by the CLI in-process, in a temp data dir. */
export interface CliController {
  readonly env: FleetTestEnv;
  readonly ctl: RunningCli;
  /** Where it listens, as it printed it. */
  readonly url: string;
  /** The admin token it wrote to its data dir. */
  admin(): Promise<string>;
  /** Stops it as SIGTERM would, waits for its exit and removes the data dir. */
  close(): Promise<void>;
}

export async function startCliController(): Promise<CliController> {
  const env = await fleetTestEnv();
  const ctl = launchCli(['controller', '--listen', '127.0.0.1:0'], env);
  const url = (await ctl.waitFor(/controller: (http:\/\/127\.0\.0\.1:\d+)/))[1] ?? '';
  return {
    env,
    ctl,
    url,
    admin: async () => (await readFile(join(env.dataDir, 'admin-token'), 'utf8')).trim(),
    async close() {
      env.stop();
      await ctl.done;
      await env.cleanup();
    },
  };
}
