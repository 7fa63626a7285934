import { z } from '@hono/zod-openapi';
import { ERROR_CODES } from '../../core/errors.js';
import { hasControlChars } from '../../core/control-chars.js';
import { isMulticastMac, normalizeMac, ZERO_MAC } from '../../core/mac-address.js';

/** Building blocks shared by the request and response schemas of the API. */

/** Labels and names are printed by the CLI: no terminal control sequences in them. */
export const NO_CONTROL = 'no control characters (ESC, newline, C0/C1)';

/** Free text an agent or user names something with: bounded, printable. */
export const textSchema = (max: number) =>
  z
    .string()
    .max(max, `at most ${max} characters`)
    .refine((v) => !hasControlChars(v), NO_CONTROL);

export const nameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    'a name of 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit',
  )
  .openapi({ example: 'physnet1' });

export const labelsSchema = z
  .record(
    z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9./_-]{0,62}$/,
        'a label key of 1-63 letters, digits, ".", "/", "_" or "-"',
      ),
    z
      .string()
      .max(63, 'a label value has at most 63 characters')
      .refine((v) => !hasControlChars(v), NO_CONTROL),
  )
  .refine((r) => Object.keys(r).length <= 32, 'at most 32 labels')
  .openapi({ example: { rack: 'r1' } });

export const int = (min: number, max: number, what: string) =>
  z
    .int('must be a whole number')
    .min(min, `${what} must be ${min} to ${max}`)
    .max(max, `${what} must be ${min} to ${max}`);

export const vlanSchema = int(1, 4094, 'VLAN').openapi({ example: 100 });

export const macSchema = z
  .string()
  .transform((s, ctx) => {
    const m = normalizeMac(s);
    if (m === null)
      ctx.addIssue({
        code: 'custom',
        message: `"${s}" is not a MAC address like fa:16:3e:00:00:01`,
      });
    else if (m === ZERO_MAC || isMulticastMac(m)) {
      ctx.addIssue({
        code: 'custom',
        message: `${m} is not a unicast MAC address; a VF needs one`,
      });
    } else return m;
    return z.NEVER;
  })
  .openapi({ type: 'string', example: 'fa:16:3e:12:34:56' });

export const rateSchema = int(0, 10_000_000, 'rate (Mbit/s)');

export const errorSchema = z
  .object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).openapi({ example: { field: 'ports[0].mac' } }),
  })
  .openapi('Error');

export const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export const nameParam = z.object({
  name: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'name', in: 'path' } }),
});

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorSchema } },
});

/** The error answers every authenticated route can give. */
export const errorResponses = {
  400: errorResponse('Invalid input: `details.field` names the field at fault'),
  401: errorResponse('No or unknown bearer token'),
  403: errorResponse("The token's role or scope does not allow this"),
  404: errorResponse('No such object'),
  409: errorResponse(
    'Conflict, no capacity (NO_CAPACITY says what was missing) or a tenant quota reached (QUOTA_EXCEEDED names it, its limit and usage)',
  ),
  413: errorResponse('Request body over the limit (code TOO_LARGE; 1 MiB by default)'),
} as const;

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const jsonOk = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** Every /v1 route takes a bearer token or the dashboard's session cookie (with its CSRF header for writes). */
export const security = [{ bearer: [] }, { session: [] }];
