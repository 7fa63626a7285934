import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../testing/pg-cluster.js';
import { holdListenAddress } from './listen-probe.js';

describe('holdListenAddress', () => {
  it('cuts a client that connects while the address is held, so release never waits for it', async () => {
    const port = await freePort();
    const held = await holdListenAddress('127.0.0.1', port);
    // An agent retrying a restarted controller: it connects and waits for an answer.
    const client = connect(port, '127.0.0.1');
    client.on('error', () => undefined);
    await new Promise((r) => client.once('close', r));
    await held.release();
    // Released: the real server binds the same address at once.
    const server = createServer();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    expect(server.listening).toBe(true);
    await new Promise((r) => server.close(r));
  });
});
