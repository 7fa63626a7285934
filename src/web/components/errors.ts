import { isVfleetError } from '../../core/errors.js';

/** What a failed call says to a person: the API's message, and the field it names. */
export interface ShownError {
  readonly message: string;
  readonly code: string | null;
  readonly field: string | null;
}

export function shownError(e: unknown): ShownError {
  if (isVfleetError(e)) {
    const f = e.details.field;
    return { message: e.message, code: e.code, field: typeof f === 'string' ? f : null };
  }
  return { message: e instanceof Error ? e.message : String(e), code: null, field: null };
}

/**
 * The message when the API blamed this form field (`name`, `ports[0].network`,
 * or as a request part: `body.token`, `query.q`), else null.
 */
export function fieldError(e: unknown, field: string): string | null {
  const s = shownError(e);
  if (s.field === null) return null;
  const bare = s.field.replace(/^(body|query|header)\./, '');
  return bare === field || bare.startsWith(`${field}.`) || bare.startsWith(`${field}[`)
    ? s.message
    : null;
}
