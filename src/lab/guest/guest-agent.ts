/**
 * The lab's guest agent: runs inside the lab VM (started by the guest's init)
 * and executes the host's requests, arriving one JSON line at a time on the
 * virtio-serial port named `vfleet.agent`. It is the guest's only channel to
 * the host. Imports only node built-ins and files copied beside it.
 */
import type { FileHandle } from 'node:fs/promises';
import { open, readFile, readdir } from 'node:fs/promises';
import { runCaptured } from '../../adapters/exec/captured-exec.js';
import type { AgentResponse } from './agent-protocol.js';
import { AGENT_PORT_NAME, LineSplitter, parseRequest } from './agent-protocol.js';
const BASE_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/bin:/usr/sbin:/usr/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
  VFLEET_CACHE_DIR: '/var/cache/vfleet',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function findPort(): Promise<string> {
  for (;;) {
    const entries = await readdir('/sys/class/virtio-ports').catch(() => [] as string[]);
    for (const entry of entries) {
      const name = await readFile(`/sys/class/virtio-ports/${entry}/name`, 'utf8').catch(() => '');
      if (name.trim() === AGENT_PORT_NAME) return `/dev/${entry}`;
    }
    await sleep(200);
  }
}

/** Writes whole lines one after another: the port takes at most 32 KiB per write. */
function lineWriter(port: FileHandle): (text: string) => void {
  let chain = Promise.resolve();
  return (text) => {
    const data = Buffer.from(`${text}\n`);
    chain = chain.then(async () => {
      for (let off = 0; off < data.length;) {
        const { bytesWritten } = await port.write(data, off, data.length - off);
        off += bytesWritten;
      }
    });
    chain = chain.catch((e: unknown) => {
      process.stderr.write(`vfleet-agent: write failed: ${String(e)}\n`);
    });
  };
}

async function answer(line: string, send: (text: string) => void): Promise<void> {
  const req = parseRequest(line);
  if ('problem' in req) {
    if (req.id !== null)
      send(JSON.stringify(reply(req.id, 2, '', `bad request: ${req.problem}\n`)));
    return;
  }
  const result = await runCaptured({
    argv: req.argv,
    env: { ...BASE_ENV, ...req.env },
    cwd: req.cwd ?? '/root',
    input: req.stdin === undefined ? undefined : Buffer.from(req.stdin, 'base64'),
    timeoutMs: req.timeoutMs,
  });
  send(
    JSON.stringify({
      id: req.id,
      exitCode: result.exitCode,
      stdout: result.stdout.toString('base64'),
      stderr: result.stderr.toString('base64'),
      timedOut: result.timedOut,
    } satisfies AgentResponse),
  );
}

const reply = (id: string, exitCode: number, stdout: string, stderr: string): AgentResponse => ({
  id,
  exitCode,
  stdout: Buffer.from(stdout).toString('base64'),
  stderr: Buffer.from(stderr).toString('base64'),
  timedOut: false,
});

async function main(): Promise<void> {
  const path = await findPort();
  const port = await open(path, 'r+');
  const send = lineWriter(port);
  const lines = new LineSplitter();
  const buf = Buffer.alloc(64 * 1024);
  process.stderr.write(`vfleet-agent: listening on ${path}\n`);
  for (;;) {
    const { bytesRead } = await port.read(buf, 0, buf.length, null);
    // 0 bytes: no host client is connected right now; poll until one is.
    if (bytesRead === 0) {
      await sleep(100);
      continue;
    }
    for (const line of lines.push(buf.subarray(0, bytesRead))) {
      void answer(line, send);
    }
  }
}

await main();
