import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenError } from './listen-probe.js';

/** What a scrape answers: the exposition text and its content type. */
export interface MetricsText {
  readonly contentType: string;
  readonly body: string;
}

export interface MetricsListener {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * `GET /metrics` on host:port for a process that has no HTTP server of its
 * own (the agent, `--metrics-listen`). Only that path answers; a render
 * that fails is a 500 with its one-line reason, never a stack.
 */
export async function listenForMetrics(
  host: string,
  port: number,
  render: () => Promise<MetricsText>,
): Promise<MetricsListener> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('only GET /metrics is served here\n');
      return;
    }
    render().then(
      (m) => {
        res.writeHead(200, { 'content-type': m.contentType });
        res.end(req.method === 'HEAD' ? undefined : m.body);
      },
      (e: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`metrics not rendered: ${e instanceof Error ? e.message : String(e)}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((e: unknown) => {
    throw listenError(e, host, port, 'metrics-listen');
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shown}:${String(addr.port)}/metrics`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
