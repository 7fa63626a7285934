import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { errorCodeInfo, toVfleetError, VfleetError } from '../core/errors.js';
import { fieldPath } from '../core/validation.js';

/**
 * The one error handler: every failure leaves as {code, message, details}
 * with the status errorCodeInfo gives its code. Never a stack trace; an
 * unexpected error says INTERNAL and is logged by the caller's `log`.
 */
export function errorResponse(e: unknown, c: Context, log: (e: unknown) => void): Response {
  const err = asVfleetError(e);
  if (err.code === 'INTERNAL') {
    log(e);
    return c.json(
      { code: err.code, message: 'internal error; see the controller log', details: {} },
      500,
    );
  }
  return c.json(err.toJSON(), errorCodeInfo[err.code].httpStatus as ContentfulStatusCode);
}

function asVfleetError(e: unknown): VfleetError {
  if (e instanceof VfleetError) return e;
  if (e instanceof HTTPException) {
    if (e.status === 413) return tooLarge(null);
    if (e.status === 400) {
      return new VfleetError('INVALID_INPUT', `request body is not valid JSON: ${e.message}`, {
        field: '(body)',
      });
    }
    if (e.status === 401) return new VfleetError('UNAUTHORIZED', e.message);
    // requestGuard answers these first; the framework's own checks stay a 4xx behind it.
    if (e.status === 415) {
      return new VfleetError('INVALID_INPUT', 'send the body with Content-Type: application/json', {
        field: 'Content-Type',
      });
    }
    if (e.status >= 400 && e.status < 500) {
      return new VfleetError('INVALID_INPUT', `bad request: ${e.message}`, { field: '(request)' });
    }
  }
  return toVfleetError(e);
}

/** A request body over the controller's limit (bodyLimitBytes): 413, never read further. */
export function tooLarge(limitBytes: number | null): VfleetError {
  const limit = limitBytes === null ? '' : ` of ${limitBytes} bytes`;
  return new VfleetError('TOO_LARGE', `request body is over the limit${limit}`, {
    field: '(body)',
    ...(limitBytes === null ? {} : { limitBytes }),
  });
}

/** zod-openapi's validation hook: the first field at fault, and every problem. */
export function validationError(error: z.ZodError, target: string): VfleetError {
  const problems = error.issues.map((i) => ({ field: fieldPath(i.path), reason: i.message }));
  const first = problems[0] ?? { field: '(root)', reason: 'invalid' };
  const field =
    target === 'json'
      ? first.field
      : target === 'header'
        ? headerName(first.field)
        : `${target}.${first.field}`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
  return new VfleetError('INVALID_INPUT', `${field}: ${first.reason}${more}`, { field, problems });
}

/** `idempotency-key` (as the schema has it) as the header is written: `Idempotency-Key`. */
const headerName = (field: string) =>
  field.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
