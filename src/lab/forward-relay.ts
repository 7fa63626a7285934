import { createConnection, type Socket } from 'node:net';
import { FORWARD_HOSTS } from './guest/guest-files.js';

/** The relay's target from its arguments `HOST PORT`; null unless HOST is loopback and PORT a port. */
export function relayTarget(args: readonly string[]): { host: string; port: number } | null {
  const [host = '', portText = ''] = args;
  const port = Number(portText);
  const loopback = (FORWARD_HOSTS as readonly string[]).includes(host);
  if (!loopback || !/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) return null;
  return { host, port };
}

/**
 * Pipes one guest connection to the target both ways; when either side ends
 * or fails, both are closed (so the relay process exits).
 */
export function relay(guest: Socket, target: { host: string; port: number }): Socket {
  const upstream = createConnection(target);
  const end = () => {
    guest.destroy();
    upstream.destroy();
  };
  for (const s of [guest, upstream]) {
    s.on('error', end);
    s.on('close', end);
  }
  guest.pipe(upstream);
  upstream.pipe(guest);
  return upstream;
}
