import { isVfleetError, VfleetError } from '../core/errors.js';
import { errorSchema } from './schemas/common.js';

/** The request never got an answer (refused, reset, cut): sent again, it may have been done already. */
export const unanswered = (e: unknown): boolean =>
  isVfleetError(e) && e.code === 'MISSING_DEPENDENCY' && e.details.status === undefined;

/** The API's error body as a VfleetError; anything else (a proxy's HTML page) keeps the status. */
export function apiError(status: number, data: unknown, what: string): VfleetError {
  const body = errorSchema.safeParse(data);
  if (body.success)
    return new VfleetError(body.data.code, body.data.message, { ...body.data.details, status });
  // Node's own 408 (the request was not received within the server's time limits, e.g. while
  // its event loop was busy): the controller did nothing with it, so it is as if unanswered.
  if (status === 408)
    return new VfleetError(
      'MISSING_DEPENDENCY',
      `${what}: the controller did not receive the request in time (HTTP 408); nothing was done`,
    );
  const code =
    status === 401
      ? 'UNAUTHORIZED'
      : status === 403
        ? 'FORBIDDEN'
        : status === 404
          ? 'NOT_FOUND'
          : 'INTERNAL';
  return new VfleetError(code, `${what}: the controller answered HTTP ${status}`, { status });
}

/** What a failed fetch says: the system's error code (ECONNREFUSED) when it gives one. */
export function causeText(e: unknown): string {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  if (typeof cause === 'object' && cause !== null && 'code' in cause) {
    const code = cause.code;
    if (typeof code === 'string') return code;
  }
  return cause instanceof Error ? cause.message : String(cause);
}
