import type { ApiClient } from './api-client.js';
import { unanswered } from './api-client.js';
import type { CliDeps } from './cli-deps.js';
import { fleetOf } from './fleet-options.js';
import type { InstanceView } from './fleet-views.js';

/** Attempts of one `instance create|boot` whose request got no answer, and the pause before each retry. */
const RETRY_DELAYS_MS = [500, 2_000];

/**
 * POST /v1/instances with one Idempotency-Key for this invocation. A
 * request cut off before its answer is sent again with the same key: if the
 * first one did create the instance, the controller answers with it instead
 * of creating a second.
 */
export async function postInstance(
  deps: CliDeps,
  api: ApiClient,
  body: Record<string, unknown>,
): Promise<InstanceView> {
  const headers = { 'idempotency-key': fleetOf(deps).newIdempotencyKey() };
  for (let attempt = 0; ; attempt++) {
    try {
      return await api.post<InstanceView>('/v1/instances', body, headers);
    } catch (e) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (!unanswered(e) || delay === undefined) throw e;
      deps.err(`vfleet: no answer from the controller; trying again (same Idempotency-Key)\n`);
      await deps.clock.sleep(delay);
    }
  }
}
