import { createConnection } from 'node:net';
import { VfleetError } from '../core/errors.js';
import type { Clock } from '../core/ports.js';
import type { AgentRequest } from './guest/agent-protocol.js';
import { LineSplitter, parseResponse } from './guest/agent-protocol.js';

export interface AgentCall {
  readonly argv: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** The guest kills the command after this long (0: no limit). */
  readonly timeoutMs?: number;
  readonly input?: string;
}

export interface AgentResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The guest killed the command at its time limit. */
  readonly timedOut: boolean;
}

/** Calls made by this process: part of each request id. */
let calls = 0;

/**
 * One request to a lab guest's agent over the QEMU chardev's unix socket (the
 * guest's only way to the host). Answers with other ids are stale answers to
 * an earlier client and are skipped, so ids must not repeat, across
 * processes too: pid, the time of the call and a counter. Waits at most
 * `waitMs` for the answer.
 */
export function callAgent(
  socketPath: string,
  call: AgentCall,
  waitMs: number,
  clock: Pick<Clock, 'now'>,
): Promise<AgentResult> {
  calls += 1;
  const id = `${process.pid}-${clock.now()}-${calls}`;
  const req: AgentRequest = {
    id,
    argv: call.argv,
    ...(call.env === undefined ? {} : { env: call.env }),
    ...(call.cwd === undefined ? {} : { cwd: call.cwd }),
    ...(call.timeoutMs === undefined ? {} : { timeoutMs: call.timeoutMs }),
    ...(call.input === undefined ? {} : { stdin: Buffer.from(call.input).toString('base64') }),
  };
  return new Promise((resolve, reject) => {
    const sock = createConnection(socketPath);
    const lines = new LineSplitter();
    let done = false;
    const finish = (outcome: AgentResult | VfleetError) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (outcome instanceof VfleetError) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(() => {
      finish(
        new VfleetError('TIMEOUT', `the lab agent did not answer in ${waitMs} ms`, {
          argv: call.argv,
        }),
      );
    }, waitMs);
    sock.on('connect', () => sock.write(`${JSON.stringify(req)}\n`));
    sock.on('data', (chunk) => {
      for (const line of lines.push(chunk)) {
        const r = parseResponse(line);
        if (r?.id !== id) continue;
        finish({
          exitCode: r.exitCode,
          stdout: Buffer.from(r.stdout, 'base64').toString('utf8'),
          stderr: Buffer.from(r.stderr, 'base64').toString('utf8'),
          timedOut: r.timedOut,
        });
      }
    });
    sock.on('error', (e) => {
      finish(
        new VfleetError('COMMAND_FAILED', `lab agent socket ${socketPath}: ${e.message}`, {
          socketPath,
        }),
      );
    });
    sock.on('close', () => {
      finish(new VfleetError('COMMAND_FAILED', 'the lab agent connection closed', { socketPath }));
    });
  });
}
