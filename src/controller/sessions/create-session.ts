import { VfleetError } from '../../core/errors.js';
import type { Session } from '../../core/fleet/session-store.js';
import { hashSecret } from '../auth.js';
import type { ControllerDeps } from '../controller-deps.js';

const TOKEN_FIELD = 'body.token';

/**
 * `POST /v1/session`: trades an API token for a dashboard session. The
 * cookie secret is returned once, here; only its hash is stored. Agent
 * tokens are refused: the dashboard is for people. One statement stores the
 * session against the token's row, so a token revoked meanwhile gets none.
 */
export async function createSession(
  deps: ControllerDeps,
  tokenSecret: string,
): Promise<{ session: Session; secret: string }> {
  const token = await deps.store.tokens.byHash(hashSecret(tokenSecret));
  if (token === null) {
    throw new VfleetError('UNAUTHORIZED', 'unknown or revoked token', { field: TOKEN_FIELD });
  }
  if (token.role === 'agent') {
    throw new VfleetError(
      'FORBIDDEN',
      'an agent token cannot sign in to the dashboard; use an admin or tenant token',
      { field: TOKEN_FIELD },
    );
  }
  const secret = randomText(deps, 32);
  const now = deps.now();
  const session: Session = {
    id: deps.ids.uuid(),
    token,
    csrf: randomText(deps, 24),
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + deps.config.sessionTtlMs).toISOString(),
  };
  const stored = await deps.store.sessions.create({
    id: session.id,
    hash: hashSecret(secret),
    tokenId: token.id,
    csrf: session.csrf,
    now: session.createdAt,
    expiresAt: session.expiresAt,
  });
  if (!stored) {
    throw new VfleetError('UNAUTHORIZED', 'unknown or revoked token', { field: TOKEN_FIELD });
  }
  return { session, secret };
}

const randomText = (deps: ControllerDeps, bytes: number): string =>
  Buffer.from(deps.ids.bytes(bytes)).toString('base64url');
