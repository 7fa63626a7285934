import { VfleetError } from './errors.js';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION = /^(\d{1,6})(s|m|h|d|w)$/;

/**
 * A span like `90d`, `24h`, `30m` (s, m, h, d, w) in milliseconds; `field`
 * names the option in the error (`--audit-retention`, `--since`).
 */
export function parseDuration(text: string, field: string): number {
  const m = DURATION.exec(text.trim());
  const n = Number(m?.[1]);
  const unit = m?.[2] as keyof typeof UNIT_MS | undefined;
  if (unit === undefined || n <= 0) {
    throw new VfleetError(
      'INVALID_INPUT',
      `${field}: "${text}" is not a duration like 90d, 24h or 30m (a whole number and one of s, m, h, d, w)`,
      { field },
    );
  }
  return n * UNIT_MS[unit];
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * A point in time for a filter: an RFC 3339 time as given, or a span back
 * from `now` (`7d` = seven days ago), as an ISO string.
 */
export function parseTimePoint(text: string, now: number, field: string): string {
  const t = text.trim();
  if (RFC3339.test(t)) {
    const ms = Date.parse(t);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  if (DURATION.test(t)) return new Date(now - parseDuration(t, field)).toISOString();
  throw new VfleetError(
    'INVALID_INPUT',
    `${field}: "${text}" is neither an RFC 3339 time (2030-01-01T00:00:00Z) nor a span back from now (7d, 24h, 30m)`,
    { field },
  );
}
