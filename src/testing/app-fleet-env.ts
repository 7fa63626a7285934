import type { Harness } from './controller-harness.js';
import type { FleetTestEnv } from './fleet-cli.js';
import { fleetTestEnv } from './fleet-cli.js';

/**
 * The CLI's fleet env against a harness's controller in-process: its app
 * stands in for fetch (no socket), and the CLI holds the admin token.
 */
export async function appFleetEnv(h: Harness): Promise<FleetTestEnv> {
  const base = await fleetTestEnv({ url: 'http://controller', token: h.admin });
  return {
    ...base,
    fleet: { ...base.fleet, fetch: (url, init) => Promise.resolve(h.app.request(url, init)) },
  };
}
