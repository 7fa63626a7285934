import { CommanderError } from 'commander';
import { errorCodeInfo, toVfleetError } from '../core/errors.js';
import { escapeControlChars } from '../core/control-chars.js';
import type { CliDeps } from './cli-deps.js';
import { findUnknownCommand } from './command-tree.js';
import { ExitCode } from './exit-code.js';
import { buildProgram } from './program.js';

/**
 * Runs one vfleet command line and returns the process exit code. Errors
 * become one line on stderr naming the field and the code, never a stack
 * trace (set `debug` for that).
 */
export async function runCli(
  argv: readonly string[],
  deps: CliDeps,
  debug = false,
): Promise<number> {
  try {
    const program = buildProgram(deps);
    const unknown = findUnknownCommand(program, argv);
    if (unknown !== null) {
      const group = unknown.group.join(' ');
      const hint = unknown.suggestion === null ? '' : ` (did you mean '${unknown.suggestion}'?)`;
      deps.err(
        escapeControlChars(`${group}: unknown command '${unknown.word}'${hint}`) +
          `\nrun '${group} --help' for its commands\n`,
      );
      return errorCodeInfo.INVALID_INPUT.exitCode;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return e.exitCode === 0 ? 0 : errorCodeInfo.INVALID_INPUT.exitCode;
    }
    if (e instanceof ExitCode) return e.code;
    const err = toVfleetError(e);
    const field = typeof err.details.field === 'string' ? ` [field: ${err.details.field}]` : '';
    // The message may quote the controller or an agent: printable, lines kept.
    deps.err(
      escapeControlChars(`vfleet: error: ${err.message}${field} (${err.code})`, true) + '\n',
    );
    if (debug || err.code === 'INTERNAL')
      deps.err(debug ? `${String(err.stack)}\n` : 'vfleet: set VFLEET_DEBUG=1 for details\n');
    return errorCodeInfo[err.code].exitCode;
  }
}
