import { createServer, type Server } from 'node:net';
import { VfleetError } from '../../core/errors.js';

/** An address held by a bare listener until the real server takes it. */
export interface HeldAddress {
  release(): Promise<void>;
}

/** `host:port` as --listen takes it (IPv6 in brackets). */
export const listenText = (host: string, port: number | string): string =>
  `${host.includes(':') ? `[${host}]` : host}:${port}`;

/**
 * Binds host:port at once, so a taken or forbidden address is told before
 * any slow work (building the embedded database takes ~30 s), as one line
 * naming --listen. The caller releases it just before the real server binds.
 */
export async function holdListenAddress(host: string, port: number): Promise<HeldAddress> {
  // Clients already retrying (agents of a restarted controller) connect to this placeholder.
  // Each is cut at once, as a refused connection would be: left open, close() would wait
  // for them all, and startup with it, until each client gave up.
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((e: unknown) => {
    throw listenError(e, host, port);
  });
  let closed: Promise<void> | null = null;
  return {
    release: () => (closed ??= closeServer(server)),
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
  });
}

/** The bind error as the operator's one line: what is wrong with --listen and what to do. */
export function listenError(
  e: unknown,
  host: string,
  port: number,
  option = 'listen',
): VfleetError {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const addr = listenText(host, port);
  const other = `choose another address with --${option} ${listenText(host, 'PORT')}`;
  const details = { field: option, address: addr };
  switch (code) {
    case 'EADDRINUSE':
      return new VfleetError(
        'CONFLICT',
        `${addr} is in use (another vfleet up or vfleet controller?); ${other}`,
        details,
      );
    case 'EACCES':
      return new VfleetError(
        'INVALID_INPUT',
        `--${option}: ${addr} is not allowed for this user (ports below 1024 need root); ${other}`,
        details,
      );
    case 'EADDRNOTAVAIL':
      return new VfleetError(
        'INVALID_INPUT',
        `--${option}: ${host} is not an address of this machine; use 127.0.0.1, 0.0.0.0 or one of its addresses`,
        details,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new VfleetError(
        'INVALID_INPUT',
        `--${option}: cannot resolve the host "${host}"`,
        details,
      );
    default:
      return new VfleetError(
        'INVALID_INPUT',
        `--${option}: cannot listen on ${addr}: ${e instanceof Error ? e.message : String(e)}`,
        details,
      );
  }
}
