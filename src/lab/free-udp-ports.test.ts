import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { freeUdpPorts } from './free-udp-ports.js';

describe('freeUdpPorts', () => {
  it('gives distinct loopback ports that can be bound again once it returns', async () => {
    const ports = await freeUdpPorts(2);
    expect(ports).toHaveLength(2);
    expect(new Set(ports).size).toBe(2);
    for (const port of ports) {
      expect(port).toBeGreaterThan(1023);
      const s = createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.bind(port, '127.0.0.1', () => {
          resolve();
        });
      });
      await new Promise<void>((r) =>
        s.close(() => {
          r();
        }),
      );
    }
  });
});
