import { Option, type Command } from 'commander';
import { VfleetError } from '../core/errors.js';
import type { HttpLimitFlags } from './fleet-deps.js';

export interface HttpLimitOptions {
  maxConnections?: number;
  requestTimeout?: number;
  headersTimeout?: number;
  keepAliveTimeout?: number;
}

const wholeNumber = (flag: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < min || n > max)
    throw new VfleetError(
      'INVALID_INPUT',
      `--${flag}: "${v}" is not a number from ${min} to ${max}`,
      {
        field: flag,
      },
    );
  return n;
};

/**
 * The controller's HTTP limits. Defaults (DEFAULT_HTTP_LIMITS in
 * src/controller/controller-deps.ts, applied by the composition root) are
 * repeated in the help text only.
 */
export const httpLimitOptions = (c: Command) =>
  c
    .addOption(
      new Option(
        '--max-connections <n>',
        'open connections the API accepts; more are refused (default: 20000: 10,000 agents with a long poll each, and room)',
      ).argParser(wholeNumber('max-connections', 1, 1_000_000)),
    )
    .addOption(
      new Option(
        '--request-timeout <seconds>',
        'a client must send its whole request (headers and body) within this (default: 30); long polls waiting for their answer are not cut',
      ).argParser(wholeNumber('request-timeout', 1, 3600)),
    )
    .addOption(
      new Option(
        '--headers-timeout <seconds>',
        'a client must send its request headers within this (default: 10; at most the request timeout)',
      ).argParser(wholeNumber('headers-timeout', 1, 3600)),
    )
    .addOption(
      new Option(
        '--keep-alive-timeout <seconds>',
        'an idle kept-alive connection is closed after this (default: 5)',
      ).argParser(wholeNumber('keep-alive-timeout', 1, 3600)),
    );

/** The flags given, in the controller's units; the ones left out keep their defaults. */
export function httpLimitsOf(o: HttpLimitOptions): HttpLimitFlags {
  const out: { -readonly [K in keyof HttpLimitFlags]: HttpLimitFlags[K] } = {};
  if (o.maxConnections !== undefined) out.maxConnections = o.maxConnections;
  if (o.requestTimeout !== undefined) out.requestTimeoutMs = o.requestTimeout * 1000;
  if (o.headersTimeout !== undefined) out.headersTimeoutMs = o.headersTimeout * 1000;
  if (o.keepAliveTimeout !== undefined) out.keepAliveTimeoutMs = o.keepAliveTimeout * 1000;
  return out;
}
