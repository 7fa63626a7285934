import { connect, type Socket } from 'node:net';

/**
 * Raw TCP to a controller, for the HTTP server's own limits (timeouts,
 * connection caps), which a well-behaved HTTP client never runs into.
 */

export interface RawConnection {
  readonly socket: Socket;
  /** Everything received so far, as text. */
  received(): string;
  /** Resolves when the server (or the test) closes it, with the ms since connecting began. */
  readonly closed: Promise<number>;
}

/** A connection to `host:port`, resolved once connected. */
export function rawConnection(port: number, host = '127.0.0.1'): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let text = '';
    const socket = connect(port, host, () => {
      resolve({ socket, received: () => text, closed });
    });
    const closed = new Promise<number>((done) => {
      socket.on('close', () => {
        done(Date.now() - started);
      });
    });
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    // A reset after the server cuts the connection off is expected: only a failed connect fails.
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

/** `p`, or a rejection naming `what` if it takes longer than `ms`. */
export const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => {
        reject(new Error(`${what}: not within ${ms} ms`));
      }, ms),
    ),
  ]);
