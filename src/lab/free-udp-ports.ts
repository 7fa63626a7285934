import { createSocket, type Socket } from 'node:dgram';

/**
 * `count` distinct UDP ports on 127.0.0.1 that were free a moment ago: each
 * socket is bound to port 0 (the kernel picks) and all are held until every
 * port is known, so the ports differ; then they are closed for QEMU to bind.
 */
export async function freeUdpPorts(count: number): Promise<number[]> {
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const s = createSocket('udp4');
      sockets.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.bind(0, '127.0.0.1', () => {
          resolve();
        });
      });
    }
    return sockets.map((s) => s.address().port);
  } finally {
    await Promise.all(
      sockets.map(
        (s) =>
          new Promise<void>((r) =>
            s.close(() => {
              r();
            }),
          ),
      ),
    );
  }
}
