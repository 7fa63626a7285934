import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetTestEnv } from '../testing/fleet-cli.js';
import { fleetTestEnv, launchCli } from '../testing/fleet-cli.js';
import { rawConnection, within } from '../testing/raw-socket.js';
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

  it('--max-connections reaches the server', async () => {
    env = await fleetTestEnv();
    const argv = ['controller', '--listen', '127.0.0.1:0', '--data-dir', env.dataDir];
    const ctl = launchCli([...argv, '--max-connections', '1', '--request-timeout', '3'], env);
    const url = new URL((await ctl.waitFor(/controller: (http:\/\/\S+) /, 60_000))[1] ?? '');
    const admin = (await readFile(join(env.dataDir, 'admin-token'), 'utf8')).trim();
    const sockets: Socket[] = [];
    const open = async () => {
      const c = await rawConnection(Number(url.port), url.hostname);
      sockets.push(c.socket);
      return c;
    };
    try {
      // The first connection sends headers and part of its body, then stalls...
      const first = await open();
      first.socket.write(
        `POST /v1/physnets HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${admin}\r\n` +
          'content-type: application/json\r\ncontent-length: 50\r\n\r\n{',
      );
      await new Promise((r) => setTimeout(r, 500));
      // ...so a second one is over the limit of one, and closed at once.
      const second = await open();
      await within(second.closed, 5_000, 'second connection refused');
      // The stalled body's cut-off is checked on runController (http-limits.test.ts): here
      // came late in some runs here on a loaded machine, so this test asserts the limit only.
    } finally {
      for (const s of sockets) s.destroy();
    }
    env.stop();
    expect((await within(ctl.done, 20_000, 'controller stopped')).exitCode).toBe(0);
  }, 90_000);
});
