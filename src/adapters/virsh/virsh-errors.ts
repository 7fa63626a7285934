import { VfleetError, type ErrorCode } from '../../core/errors.js';
import type { CommandResult } from '../../core/ports.js';

/**
 * virsh reports failures as `error: ...` lines on stderr, the first saying
 * what virsh tried and the next what libvirt answered:
 *   error: failed to get domain 'vm-1'
 *   error: Domain not found: no domain with matching name 'vm-1'
 * The code follows libvirt's answer; the message keeps its words.
 */
const RULES: readonly (readonly [RegExp, ErrorCode])[] = [
  [/failed to connect to the hypervisor|Failed to connect socket/i, 'MISSING_DEPENDENCY'],
  [
    /(Domain|Network) not found|failed to get (domain|network)|no (domain|network) with matching/i,
    'NOT_FOUND',
  ],
  [
    /already exists|already active|already running|not running|is not active|already in use/i,
    'CONFLICT',
  ],
  [
    /unsupported configuration|Operation not supported|this function is not supported/i,
    'UNSUPPORTED',
  ],
];

/** The `error:` lines of virsh's stderr without the prefix, or the whole output when there are none. */
export function virshMessage(result: CommandResult): string {
  const lines = result.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('error:'))
    .map((l) => l.slice('error:'.length).trim());
  if (lines.length > 0) return lines.join(': ');
  const all = `${result.stderr}\n${result.stdout}`.trim();
  return all === '' ? `exit status ${result.exitCode}` : all.split('\n').slice(0, 5).join(' ');
}

export function virshErrorCode(message: string): ErrorCode {
  for (const [re, code] of RULES) if (re.test(message)) return code;
  return 'COMMAND_FAILED';
}

/** A failed virsh run as the one error type; `what` says what vfleet asked for. */
export function virshError(
  what: string,
  args: readonly string[],
  result: CommandResult,
): VfleetError {
  const message = virshMessage(result);
  return new VfleetError(virshErrorCode(message), `virsh ${what}: ${message}`, {
    command: 'virsh',
    args: [...args],
    exitCode: result.exitCode,
    virshMessage: message,
  });
}
