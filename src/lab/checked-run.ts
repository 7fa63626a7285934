import { VfleetError } from '../core/errors.js';
import type { CommandResult, CommandRunner } from '../core/ports.js';

/** Runs a command the lab cannot go on without: a non-zero exit is COMMAND_FAILED with its stderr. */
export async function runChecked(
  runner: CommandRunner,
  command: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<CommandResult> {
  const r = await runner.run(command, args, { timeoutMs });
  if (r.exitCode !== 0) {
    const why = r.stderr.trim().split('\n').slice(-5).join('\n');
    throw new VfleetError('COMMAND_FAILED', `${command} failed (exit ${r.exitCode}): ${why}`, {
      command,
      args,
      exitCode: r.exitCode,
    });
  }
  return r;
}
