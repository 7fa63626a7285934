import { VfleetError } from '../../core/errors.js';
import { instanceRoutes } from '../../api/routes/instances.js';
import { UserBody } from '../../api/call-types.js';
import type { ApiClient } from '../../api/client.js';
import { unanswered } from '../../api/client-errors.js';
import type { CliDeps } from '../cli-deps.js';
import { fleetOf } from '../fleet-options.js';
import type { InstanceView } from '../../api/answers.js';
import { INSTANCE_FIELDS, requiredOption } from '../option-fields.js';

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
      return await api.call(instanceRoutes.create, { body: new UserBody(body), headers });
    } catch (e) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (!unanswered(e) || delay === undefined) throw e;
      deps.err(`vfleet: no answer from the controller; trying again (same Idempotency-Key)\n`);
      await deps.clock.sleep(delay);
    }
  }
}

/** The body fields `instance create|boot` cannot go without. */
const REQUIRED = ['name', 'vcpus', 'memoryMb'] as const;

/**
 * What the API would refuse in its field names, refused in the options'
 * words before the request; and no instance loses its SR-IOV ports to a
 * forgotten --port: none at all must be asked for (--no-ports).
 */
export function checkInstanceBody(
  body: Record<string, unknown>,
  o: { file?: string; port?: string[]; ports?: boolean },
): Record<string, unknown> {
  for (const field of REQUIRED) {
    if (body[field] !== undefined) continue;
    const e = requiredOption(INSTANCE_FIELDS[field] ?? field);
    if (o.file === undefined) throw e;
    throw new VfleetError('INVALID_INPUT', `${e.message} (or "${field}" in ${o.file})`, e.details);
  }
  if (o.ports === false) {
    if (o.port !== undefined)
      throw new VfleetError('INVALID_INPUT', '--no-ports: not together with --port', {
        field: 'no-ports',
      });
    return { ...body, ports: [] };
  }
  if (body.ports === undefined)
    throw new VfleetError(
      'INVALID_INPUT',
      '--port: give at least one --port NET (an SR-IOV port on network NET), or --no-ports for an instance without SR-IOV ports',
      { field: 'port' },
    );
  return body;
}
