import { execFile } from 'node:child_process';
import type { CommandResult, CommandRunner, RunOptions } from '../../core/ports.js';
import { VfleetError } from '../../core/errors.js';

export interface ExecRunnerOptions {
  /** PATH used to find programs; the composition root passes the process's own. */
  readonly path?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Called with every argv before it runs (benchmarks count processes this way). */
  readonly onSpawn?: (command: string, args: readonly string[]) => void;
}

const MAX_OUTPUT = 64 * 1024 * 1024;

/**
 * The only place vfleet starts processes: execFile with an argv array, never
 * a shell. A non-zero exit is a result, not an exception; a missing program
 * is MISSING_DEPENDENCY and a time-out is TIMEOUT.
 */
export function createExecRunner(options: ExecRunnerOptions = {}): CommandRunner {
  const env = { ...options.env, ...(options.path === undefined ? {} : { PATH: options.path }) };
  return {
    run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
      options.onSpawn?.(command, args);
      return new Promise((resolve, reject) => {
        const child = execFile(
          command,
          [...args],
          { env, maxBuffer: MAX_OUTPUT, timeout: opts.timeoutMs ?? 0, encoding: 'utf8' },
          (error, stdout, stderr) => {
            if (error === null) {
              resolve({ exitCode: 0, stdout, stderr });
              return;
            }
            const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
            if (e.code === 'ENOENT') {
              reject(
                new VfleetError('MISSING_DEPENDENCY', `${command}: not found on PATH`, { command }),
              );
            } else if (e.killed === true && opts.timeoutMs !== undefined) {
              reject(
                new VfleetError('TIMEOUT', `${command} did not finish in ${opts.timeoutMs} ms`, {
                  command,
                  args,
                }),
              );
            } else if (typeof e.code === 'number') {
              resolve({ exitCode: e.code, stdout, stderr });
            } else {
              reject(
                new VfleetError('COMMAND_FAILED', `${command}: ${e.message}`, { command, args }),
              );
            }
          },
        );
        // A child that exits before reading its input (killed by the same
        // Ctrl-C as its parent, or one that never reads) makes the write fail
        // with EPIPE; its exit status above is the answer, not a crash.
        child.stdin?.on('error', () => undefined);
        if (opts.input !== undefined) child.stdin?.end(opts.input);
        else child.stdin?.end();
      });
    },
  };
}
