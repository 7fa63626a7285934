import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createPinoLogger } from './pino-logger.js';
import type { LogFormat, LogLevel } from '../../core/vocabulary.js';

function capture(level: LogLevel, format: LogFormat) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (b: Buffer) => (text += b.toString()));
  const logger = createPinoLogger({ level, format, destination: out, base: { service: 'test' } });
  // pino writes synchronously to a plain stream; the pretty stream is sync too.
  return { logger, text: () => text };
}

describe('the pino logger', () => {
  it('writes one JSON object per line with the level by name, message and fields', () => {
    const c = capture('info', 'json');
    c.logger.log('info', 'request answered', { reqId: 'r1', status: 201, token: 'ops' });
    c.logger.log('error', 'boom', { reqId: 'r2' });
    const lines = c
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'request answered',
      reqId: 'r1',
      status: 201,
      token: 'ops',
      service: 'test',
    });
    expect(typeof lines[0]?.time).toBe('string');
    expect(lines[1]).toMatchObject({ level: 'error', msg: 'boom' });
  });

  it('--log-level warn leaves out info and debug', () => {
    const c = capture('warn', 'json');
    c.logger.log('debug', 'a read');
    c.logger.log('info', 'a write');
    c.logger.log('warn', 'a slow apply');
    const lines = c.text().trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['a slow apply']);
    // Asked first by callers that log per request, so they build no fields for a line left out.
    expect(
      ['debug', 'info', 'warn', 'error'].map((l) => c.logger.enabled?.(l as LogLevel)),
    ).toEqual([false, false, true, true]);
  });

  it('pretty is a readable line, not JSON, with the fields named', () => {
    const c = capture('debug', 'pretty');
    c.logger.log('info', 'request answered', { reqId: 'r1', route: '/v1/hosts/:id' });
    const text = c.text();
    expect(text).toMatch(/INFO.*request answered/);
    expect(text).toContain('reqId: "r1"');
    expect(() => {
      JSON.parse(text.split('\n')[0] ?? '');
    }).toThrow();
  });
});
