import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { relay, relayTarget } from './forward-relay.js';

// A loopback connection stands in for the guest's (QEMU hands the relay one
// per guest connection), an echo server for the controller.
const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

async function listen(onConn: (s: Socket) => void): Promise<number> {
  const server = createServer(onConn);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => server.close());
  return (server.address() as AddressInfo).port;
}

/** A connected pair: `near` plays the guest, `far` is what the relay is handed. */
async function socketPair(): Promise<{ near: Socket; far: Socket }> {
  let far: Socket | undefined;
  const port = await listen((s) => (far = s));
  const near = createConnection({ host: '127.0.0.1', port });
  await once(near, 'connect');
  while (far === undefined) await new Promise((r) => setTimeout(r, 5));
  closers.push(() => near.destroy());
  return { near, far };
}

describe('forward relay', () => {
  it('pipes the guest connection to the loopback port both ways', async () => {
    const port = await listen((s) => s.pipe(s));
    const { near, far } = await socketPair();
    relay(far, { host: '127.0.0.1', port });
    let got = '';
    near.on('data', (b: Buffer) => (got += b.toString()));
    near.write('GET /healthz\n');
    const end = Date.now() + 5_000;
    while (got !== 'GET /healthz\n' && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    expect(got).toBe('GET /healthz\n');
  });

  it('closes the upstream connection when the guest goes, and the guest when upstream goes', async () => {
    const accepted: Socket[] = [];
    const port = await listen((s) => accepted.push(s));
    const a = await socketPair();
    const up = relay(a.far, { host: '127.0.0.1', port });
    await once(up, 'connect');
    a.near.destroy();
    await once(up, 'close');
    const b = await socketPair();
    relay(b.far, { host: '127.0.0.1', port });
    while (accepted.length < 2) await new Promise((r) => setTimeout(r, 5));
    accepted[1]?.destroy();
    await once(b.near, 'close');
  });

  it('closes the guest connection when the port does not answer', async () => {
    const port = await listen(() => undefined);
    for (const close of closers.splice(0)) close(); // nothing listens there any more
    const { near, far } = await socketPair();
    relay(far, { host: '127.0.0.1', port });
    await once(near, 'close');
  });

  it.each([
    [['127.0.0.1', '8080'], { host: '127.0.0.1', port: 8080 }],
    [['::1', '1'], { host: '::1', port: 1 }],
    [['10.0.0.1', '80'], null],
    [['0.0.0.0', '80'], null],
    [['127.0.0.1', '0'], null],
    [['127.0.0.1', '65536'], null],
    [['127.0.0.1', '8o'], null],
    [[], null],
  ])('takes %j as %j: only a loopback port is a target', (args, want) => {
    expect(relayTarget(args)).toEqual(want);
  });
});
