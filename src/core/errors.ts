/**
 * The one error type of vfleet. Every failure that reaches a user carries a
 * code from this closed set; `errorCodeInfo` maps each code to an HTTP status
 * and a CLI exit code so the API and the CLI always agree.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'TOO_LARGE',
  'NOT_FOUND',
  'CONFLICT',
  'NO_CAPACITY',
  'QUOTA_EXCEEDED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'UNSAFE_CHANGE',
  'UNSUPPORTED',
  'HOST_READ_FAILED',
  'HOST_WRITE_FAILED',
  'COMMAND_FAILED',
  'TIMEOUT',
  'PARTIAL_APPLY',
  'MISSING_DEPENDENCY',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorCodeInfo {
  readonly httpStatus: number;
  /** Process exit code; 1 is reserved for "ran, but found problems" (doctor, plan --exit-code). */
  readonly exitCode: number;
}

export const errorCodeInfo: Readonly<Record<ErrorCode, ErrorCodeInfo>> = {
  INVALID_INPUT: { httpStatus: 400, exitCode: 2 },
  TOO_LARGE: { httpStatus: 413, exitCode: 14 },
  NOT_FOUND: { httpStatus: 404, exitCode: 3 },
  CONFLICT: { httpStatus: 409, exitCode: 4 },
  NO_CAPACITY: { httpStatus: 409, exitCode: 5 },
  /** A tenant's quota (details.quota, limit, usage) would be exceeded: an admin may raise it. */
  QUOTA_EXCEEDED: { httpStatus: 409, exitCode: 15 },
  UNAUTHORIZED: { httpStatus: 401, exitCode: 6 },
  FORBIDDEN: { httpStatus: 403, exitCode: 6 },
  UNSAFE_CHANGE: { httpStatus: 409, exitCode: 7 },
  UNSUPPORTED: { httpStatus: 422, exitCode: 8 },
  HOST_READ_FAILED: { httpStatus: 500, exitCode: 9 },
  HOST_WRITE_FAILED: { httpStatus: 500, exitCode: 10 },
  COMMAND_FAILED: { httpStatus: 500, exitCode: 10 },
  TIMEOUT: { httpStatus: 504, exitCode: 11 },
  PARTIAL_APPLY: { httpStatus: 500, exitCode: 12 },
  MISSING_DEPENDENCY: { httpStatus: 503, exitCode: 13 },
  INTERNAL: { httpStatus: 500, exitCode: 70 },
};

export interface ErrorDetails {
  /** The input field at fault, as a dotted path (`pfs[0].vfs[2].vlan`). */
  readonly field?: string;
  /** Anything else a script may want (PCI addresses, the command that failed). */
  readonly [key: string]: unknown;
}

export class VfleetError extends Error {
  override readonly name = 'VfleetError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toJSON(): { code: ErrorCode; message: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export const isVfleetError = (e: unknown): e is VfleetError => e instanceof VfleetError;

/** Wraps anything thrown into a VfleetError without losing a code already set. */
export function toVfleetError(e: unknown): VfleetError {
  if (isVfleetError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new VfleetError('INTERNAL', message, {}, { cause: e });
}
