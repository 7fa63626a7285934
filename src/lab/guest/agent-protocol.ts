/**
 * The lab's guest-agent wire format, shared by the agent inside the guest and
 * the host client: one JSON object per line over a virtio-serial port. Bytes
 * travel as base64 so binary output survives. This file must stay free of
 * imports: it is copied into the guest image next to the agent.
 */

/** Name of the virtio-serial port (QEMU `virtserialport,name=`), found in /sys/class/virtio-ports. */
export const AGENT_PORT_NAME = 'vfleet.agent';

export interface AgentRequest {
  readonly id: string;
  readonly argv: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  /** Standard input, base64. */
  readonly stdin?: string;
}

export interface AgentResponse {
  readonly id: string;
  readonly exitCode: number;
  /** base64 */
  readonly stdout: string;
  /** base64 */
  readonly stderr: string;
  readonly timedOut: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isStringMap = (v: unknown): v is Record<string, string> =>
  isRecord(v) && Object.values(v).every((x) => typeof x === 'string');

/** A request, or a reason it is not one (answered with exit status 2 when it has an id). */
export function parseRequest(line: string): AgentRequest | { id: string | null; problem: string } {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { id: null, problem: 'not JSON' };
  }
  if (!isRecord(v) || typeof v.id !== 'string' || v.id === '')
    return { id: null, problem: 'no id' };
  const id = v.id;
  const bad = (problem: string) => ({ id, problem });
  const argv = v.argv;
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string')) {
    return bad('argv must be a non-empty array of strings');
  }
  if (v.env !== undefined && !isStringMap(v.env)) return bad('env must map names to strings');
  if (v.cwd !== undefined && typeof v.cwd !== 'string') return bad('cwd must be a string');
  if (v.stdin !== undefined && typeof v.stdin !== 'string') return bad('stdin must be base64');
  const t = v.timeoutMs;
  if (t !== undefined && (typeof t !== 'number' || !Number.isInteger(t) || t < 0)) {
    return bad('timeoutMs must be a whole number >= 0');
  }
  return {
    id,
    argv,
    ...(v.env === undefined ? {} : { env: v.env }),
    ...(v.cwd === undefined ? {} : { cwd: v.cwd }),
    ...(t === undefined ? {} : { timeoutMs: t }),
    ...(v.stdin === undefined ? {} : { stdin: v.stdin }),
  };
}

/** A response, or null for anything else (stale or torn lines are skipped). */
export function parseResponse(line: string): AgentResponse | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isRecord(v) || typeof v.id !== 'string' || typeof v.exitCode !== 'number') return null;
  if (typeof v.stdout !== 'string' || typeof v.stderr !== 'string') return null;
  return {
    id: v.id,
    exitCode: v.exitCode,
    stdout: v.stdout,
    stderr: v.stderr,
    timedOut: v.timedOut === true,
  };
}

/** Splits a byte stream into lines; a line longer than `maxLine` is dropped whole. */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private overflow = false;

  constructor(private readonly maxLine = 256 * 1024 * 1024) {}

  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      this.add(chunk.subarray(start, nl));
      if (!this.overflow) lines.push(Buffer.concat(this.parts).toString('utf8'));
      this.parts = [];
      this.size = 0;
      this.overflow = false;
      start = nl + 1;
    }
    this.add(chunk.subarray(start));
    return lines;
  }

  private add(part: Buffer): void {
    if (this.overflow || part.length === 0) return;
    this.size += part.length;
    if (this.size > this.maxLine) {
      this.overflow = true;
      this.parts = [];
      return;
    }
    this.parts.push(Buffer.from(part));
  }
}
