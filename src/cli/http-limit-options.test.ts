import { connect } from 'node:net';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetTestEnv } from '../testing/fleet-cli.js';
import { fleetTestEnv, launchCli } from '../testing/fleet-cli.js';
import { httpLimitOptions, httpLimitsOf, type HttpLimitOptions } from './http-limit-options.js';

function parse(args: string[]): HttpLimitOptions {
  const c = httpLimitOptions(new Command()).exitOverride();
  c.parse(args, { from: 'user' });
  return c.opts<HttpLimitOptions>();
}

describe('HTTP limit flags', () => {
  it('are taken in seconds and handed on in milliseconds; the ones left out stay unset', () => {
    expect(httpLimitsOf(parse(['--max-connections', '500', '--request-timeout', '20']))).toEqual({
      maxConnections: 500,
      requestTimeoutMs: 20_000,
    });
    expect(httpLimitsOf(parse(['--headers-timeout', '3', '--keep-alive-timeout', '7']))).toEqual({
      headersTimeoutMs: 3_000,
      keepAliveTimeoutMs: 7_000,
    });
    expect(httpLimitsOf(parse([]))).toEqual({});
  });

  it.each([
    ['--max-connections', '0', 'max-connections'],
    ['--max-connections', 'lots', 'max-connections'],
    ['--request-timeout', '-1', 'request-timeout'],
    ['--keep-alive-timeout', '1.5', 'keep-alive-timeout'],
  ])('refuse %s %s, naming the flag', (flag, value, field) => {
    let thrown: unknown;
    try {
      parse([flag, value]);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ code: 'INVALID_INPUT', details: { field } });
  });
});

describe('vfleet controller with HTTP limits', () => {
  let env: FleetTestEnv | undefined;
  afterEach(async () => {
    env?.stop();
    await env?.cleanup();
    env = undefined;
  });

  it('--max-connections and --request-timeout reach the server', async () => {
    env = await fleetTestEnv();
    const argv = ['controller', '--listen', '127.0.0.1:0', '--data-dir', env.dataDir];
    const ctl = launchCli([...argv, '--max-connections', '1', '--request-timeout', '3'], env);
    const url = new URL((await ctl.waitFor(/controller: (http:\/\/\S+) /))[1] ?? '');
    const open = () => {
      const s = connect(Number(url.port), url.hostname);
      const closed = new Promise<number>((r) => {
        const t0 = Date.now();
        s.on('close', () => {
          r(Date.now() - t0);
        });
      });
      s.on('error', () => undefined);
      return { s, closed };
    };
    // The first connection stalls in its body; the second is over the limit.
    const first = open();
    first.s.write('POST /v1/physnets HTTP/1.1\r\nhost: x\r\ncontent-length: 50\r\n\r\n{');
    await new Promise((r) => setTimeout(r, 500));
    const second = open();
    expect(await second.closed).toBeLessThan(2_000);
    // Cut off by the 3 s request timeout (checked every 0.75 s), not Node's 300 s.
    expect(await first.closed).toBeLessThan(8_000);
    env.stop();
    expect((await ctl.done).exitCode).toBe(0);
  }, 90_000);
});
