import type { Writable } from 'node:stream';
import { pino } from 'pino';
import { PinoPretty } from 'pino-pretty';
import type { Logger } from '../../core/ports.js';
import type { LogFormat, LogLevel } from '../../core/vocabulary.js';

export interface PinoLoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** stderr in the binary; a test's stream in tests. */
  readonly destination: Writable;
  /** Fields on every line (which process: `service`). */
  readonly base?: Readonly<Record<string, unknown>>;
}

/**
 * The Logger over pino: one JSON object per line (level as its name, time
 * in ISO 8601), or pino-pretty's readable lines for a terminal, formatted in
 * this process (no worker thread: a CLI's few lines a second do not need one).
 */
export function createPinoLogger(o: PinoLoggerOptions): Logger {
  const stream =
    o.format === 'pretty'
      ? PinoPretty({
          destination: o.destination,
          sync: true,
          colorize: false,
          ignore: 'pid,hostname,service',
          translateTime: 'SYS:HH:MM:ss.l',
        })
      : o.destination;
  const p = pino(
    {
      level: o.level,
      base: { ...o.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
  return {
    log(level, msg, fields) {
      p[level](fields ?? {}, msg);
    },
    enabled: (level) => p.isLevelEnabled(level),
  };
}
