import { createServer } from 'node:http';
import { DEFAULT_HTTP_LIMITS } from '../controller/controller-deps.js';

/**
 * The floor under P8 (issue 14): a bare node:http server, none of vfleet's
 * code, with the controller's HTTP limits, answering what an idle agent
 * gets (a long poll held `wait` seconds, then a brief unchanged answer; a
 * heartbeat at once). Run as its own process by idle-floor-bench.ts, which
 * reads its CPU from /proc; prints its port on stdout.
 */
const BRIEF = '{"generation":3,"unchanged":true,"reportNeeded":false}';
const server = createServer((req, res) => {
  const answer = () => {
    res.setHeader('content-type', 'application/json');
    res.end(BRIEF);
  };
  const wait = Number(new URL(req.url ?? '/', 'http://floor').searchParams.get('wait') ?? 0);
  if (!(wait > 0)) {
    // A heartbeat's body is read before it is answered, as the controller does.
    req.resume();
    req.on('end', answer);
    return;
  }
  const timer = setTimeout(answer, wait * 1000);
  req.on('close', () => {
    clearTimeout(timer);
  });
});
server.headersTimeout = DEFAULT_HTTP_LIMITS.headersTimeoutMs;
server.requestTimeout = DEFAULT_HTTP_LIMITS.requestTimeoutMs;
server.keepAliveTimeout = DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs;
server.maxConnections = DEFAULT_HTTP_LIMITS.maxConnections;
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`${typeof a === 'object' && a !== null ? String(a.port) : '0'}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
