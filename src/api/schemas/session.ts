import { z } from '@hono/zod-openapi';
import { TOKEN_ROLES } from '../../core/fleet/model.js';

/** Signing in to the dashboard: the API token, in the body, never in a URL. */
export const sessionCreateSchema = z
  .object({
    token: z
      .string('the API token (the secret `vfleet token create` printed, or the admin token file)')
      .min(1, 'the API token is empty')
      .max(200, 'at most 200 characters'),
  })
  .openapi('SessionCreate');

/** The signed-in session as the page sees it: who it acts as, until when, and its CSRF secret. */
export const sessionSchema = z
  .object({
    role: z.enum(TOKEN_ROLES),
    tenant: z.string().nullable(),
    tokenName: z.string(),
    expiresAt: z.string().openapi({ description: 'when the session ends (ISO 8601)' }),
    csrf: z.string().openapi({
      description: 'send it as header `x-vfleet-csrf` with every cookie-authenticated write',
    }),
  })
  .openapi('Session');
