import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { quantile, round } from './stats.js';

/** A JSON document of about `bytes` bytes: `n` objects of ten short fields. */
function documentOf(bytes: number): string {
  const one = JSON.stringify({
    id: '00000000-0000-4000-8000-000000000000',
    network: 'blue',
    vnicType: 'direct',
    mac: 'fa:16:3e:00:00:00',
    pciAddress: '0000:81:10.0',
    pf: '0000:81:00.0',
    vfIndex: 0,
    trusted: false,
    spoofchk: true,
    vlan: 100,
  });
  const n = Math.max(1, Math.round(bytes / (one.length + 1)));
  return JSON.stringify({ items: Array.from({ length: n }, () => JSON.parse(one) as unknown) });
}

/**
 * What one HTTP request costs on this machine with nothing behind it: a
 * bare node:http server on loopback that reads and parses a JSON body and
 * answers a JSON document, and a client that sends with fetch (as the bench
 * clients and the CLI do) and parses the answer, one request at a time.
 * Added to the claim's statements alone (claimFloor), it bounds from below
 * what any HTTP claim can take here.
 */
export async function httpFloor(o: { requestBytes: number; answerBytes: number; n: number }) {
  const answer = documentOf(o.answerBytes);
  const body = documentOf(o.requestBytes);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(201, { 'content-type': 'application/json' }).end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const send = async () => {
      const r = await fetch(`http://127.0.0.1:${String(port)}/v1/instances`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await r.json();
    };
    for (let i = 0; i < 50; i++) await send();
    const ms: number[] = [];
    for (let i = 0; i < o.n; i++) {
      const t = performance.now();
      await send();
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    return {
      requestBytes: body.length,
      answerBytes: answer.length,
      requests: o.n,
      p50Ms: round(quantile(ms, 0.5)),
      p99Ms: round(quantile(ms, 0.99)),
    };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
