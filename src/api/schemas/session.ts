import { z } from '@hono/zod-openapi';
import { TOKEN_ROLES } from '../../core/fleet/model.js';

/** What a browser sends to sign in: an API token's secret, exchanged for a session cookie. */
export const sessionCreateSchema = z
  .object({
    token: z.string().min(1, 'the API token is required').max(4096),
  })
  .strict()
  .openapi('SessionCreate');

/** A signed-in browser session; `csrf` goes back in `x-vfleet-csrf` on every write. */
export const sessionSchema = z
  .object({
    role: z.enum(TOKEN_ROLES),
    tenant: z.string().nullable(),
    tokenName: z.string(),
    expiresAt: z.string().openapi({ description: 'when the session ends (ISO 8601)' }),
    csrf: z.string().openapi({ description: 'sent back as header x-vfleet-csrf on writes' }),
  })
  .openapi('Session');
