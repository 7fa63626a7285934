import { z } from '@hono/zod-openapi';
import { AUDIT_ACTIONS, AUDIT_OBJECT_TYPES } from '../../core/fleet/audit.js';
import { pageQuerySchema } from './pages.js';

const actorSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('token'),
      name: z.string(),
      role: z.string(),
      tenant: z.string().nullable(),
    }),
    z.object({ kind: z.literal('fleet') }),
    z.object({ kind: z.literal('anonymous') }),
  ])
  .openapi('AuditActor', {
    description:
      'who: a token (name, role, tenant; never its secret), the fleet itself (agent applies, sweeps, the migration reconciler), or a request without a known token',
  });

export const auditRecordSchema = z
  .object({
    id: z.number().int().openapi({ description: 'increasing: later records have larger ids' }),
    at: z.string().openapi({ description: 'when (ISO 8601, UTC)' }),
    actor: actorSchema,
    requestId: z.string().nullable().openapi({
      description: "the request's X-Request-Id (the client's, or one the controller gave)",
    }),
    action: z.enum(AUDIT_ACTIONS),
    method: z.string().nullable(),
    path: z.string().nullable(),
    object: z
      .object({ type: z.enum(AUDIT_OBJECT_TYPES), id: z.string(), name: z.string().nullable() })
      .nullable(),
    host: z.string().nullable(),
    instance: z.string().nullable().openapi({ description: 'the instance id concerned' }),
    vfs: z
      .array(z.string())
      .openapi({ description: 'PCI addresses of the VFs (or whole PFs) touched' }),
    macs: z.array(z.string()),
    before: z.unknown().openapi({ description: 'the object before the change (secrets redacted)' }),
    after: z.unknown().openapi({ description: 'the object after the change (secrets redacted)' }),
    result: z.string().openapi({ description: '`ok`, or the error code a refused request got' }),
    status: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'HTTP status of a refused request' }),
  })
  .openapi('AuditRecord');

const q = (name: string, description: string, example?: string) =>
  z
    .string()
    .min(1, `${name} must not be empty`)
    .max(200, `${name} has at most 200 characters`)
    .optional()
    .openapi({ param: { name, in: 'query' }, description, ...(example ? { example } : {}) });

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
/** JavaScript reads 30 February as 2 March: the day and time must come back as written. */
function realTime(v: string): boolean {
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = (v.match(/\d+/g) ?? [])
    .slice(0, 6)
    .map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return (
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    t.getUTCSeconds() === s
  );
}

const time = (name: string, description: string) =>
  z
    .string()
    .regex(RFC3339, `${name} is an RFC 3339 time like 2030-01-01T00:00:00Z`)
    .refine(realTime, `${name} is not a real time (no such day or hour)`)
    .optional()
    .openapi({ param: { name, in: 'query' }, description, example: '2030-01-01T00:00:00Z' });

export const auditListQuery = pageQuerySchema.extend({
  object: z
    .string()
    .regex(
      new RegExp(`^(${AUDIT_OBJECT_TYPES.join('|')}):.{1,200}$`),
      `object is TYPE:ID with TYPE one of ${AUDIT_OBJECT_TYPES.join(', ')}`,
    )
    .optional()
    .openapi({
      param: { name: 'object', in: 'query' },
      description: 'TYPE:ID',
      example: 'instance:3f2a...',
    }),
  host: q('host', 'only records about this host'),
  instance: q('instance', 'only records about this instance (by id)'),
  vf: z
    .string()
    .regex(/^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/i, 'vf is a PCI address like 0000:3b:10.2')
    .optional()
    .openapi({
      param: { name: 'vf', in: 'query' },
      description: 'only records touching this VF (PCI address)',
      example: '0000:3b:10.2',
    }),
  mac: z
    .string()
    .regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i, 'mac is a MAC address like 52:54:00:12:34:56')
    .optional()
    .openapi({
      param: { name: 'mac', in: 'query' },
      description: 'only records touching this MAC',
    }),
  token: q('token', 'only changes made with the token of this name'),
  action: z
    .enum(AUDIT_ACTIONS, `one of ${AUDIT_ACTIONS.join(', ')}`)
    .optional()
    .openapi({ param: { name: 'action', in: 'query' }, description: 'only this action' }),
  since: time('since', 'only records at or after this time'),
  until: time('until', 'only records before this time'),
  order: z
    .enum(['asc', 'desc'], 'order is asc (oldest first) or desc (newest first)')
    .optional()
    .openapi({
      param: { name: 'order', in: 'query' },
      description: 'desc (newest first, the default) or asc',
    }),
});
