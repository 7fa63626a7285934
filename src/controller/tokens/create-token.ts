import type { z } from '@hono/zod-openapi';
import type { Token } from '../../core/fleet/model.js';
import type { tokenCreateSchema } from '../../api/schemas/hosts.js';
import { newSecret } from '../auth.js';
import type { ControllerDeps } from '../controller-deps.js';

/**
 * `POST /v1/tokens`: a new token and its secret. The secret is returned
 * once, here; only its hash is stored.
 */
export async function createToken(
  deps: ControllerDeps,
  b: z.infer<typeof tokenCreateSchema>,
): Promise<{ token: Token; secret: string }> {
  const { secret, hash } = newSecret(deps.ids);
  const token = await deps.store.tokens.create({
    id: deps.ids.uuid(),
    name: b.name,
    role: b.role,
    tenant: b.tenant ?? null,
    host: b.host ?? null,
    hash,
    domainPolicy: b.domainPolicy,
    now: new Date(deps.now()).toISOString(),
  });
  return { token, secret };
}
