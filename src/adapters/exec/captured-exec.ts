import { execFile } from 'node:child_process';
import { constants } from 'node:os';

export interface CapturedRequest {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string | undefined;
  readonly input?: Buffer | undefined;
  /** Kill the process (SIGKILL) after this long; 0 or absent means no limit. */
  readonly timeoutMs?: number | undefined;
}

export interface CapturedResult {
  /** The exit status; 128 + signal number when killed, 127 when the program was not found. */
  readonly exitCode: number;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  readonly timedOut: boolean;
}

const MAX_OUTPUT = 64 * 1024 * 1024;
const signalNumber = (name: string): number =>
  (constants.signals as Readonly<Record<string, number | undefined>>)[name] ?? 0;

/**
 * execFile for the lab's guest agent, which runs other people's commands and
 * must hand back exactly what they printed: per-call environment and working
 * folder, raw bytes, and every failure folded into an exit status instead of
 * an exception (the agent has no caller to throw to). Argv only, never a shell.
 */
export function runCaptured(req: CapturedRequest): Promise<CapturedResult> {
  const [command, ...args] = req.argv;
  if (command === undefined) {
    return Promise.resolve({
      exitCode: 127,
      stdout: Buffer.alloc(0),
      stderr: Buffer.from('empty argv\n'),
      timedOut: false,
    });
  }
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      {
        env: req.env,
        cwd: req.cwd,
        encoding: 'buffer',
        maxBuffer: MAX_OUTPUT,
        timeout: req.timeoutMs ?? 0,
        killSignal: 'SIGKILL',
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ exitCode: 0, stdout, stderr, timedOut: false });
          return;
        }
        const e = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
        const timedOut = e.killed === true && (req.timeoutMs ?? 0) > 0;
        let exitCode: number;
        if (typeof e.code === 'number') exitCode = e.code;
        else if (typeof e.signal === 'string') exitCode = 128 + signalNumber(e.signal);
        else exitCode = 127;
        const note =
          exitCode === 127 && typeof e.code === 'string' ? `${command}: ${e.code}\n` : '';
        resolve({
          exitCode,
          stdout,
          stderr: Buffer.concat([stderr, Buffer.from(note)]),
          timedOut,
        });
      },
    );
    // A command that never reads its input must not fail the request.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(req.input);
  });
}
