import type { CommandRunner } from '../../core/ports.js';
import { VfleetError } from '../../core/errors.js';
import type { IpLinks } from './ip-link-json.js';
import { parseIpLinks } from './ip-link-json.js';

/** One `ip -j -d link show` for the whole host: every PF's vfinfo_list and every switch port at once. */
export async function readIpLinks(runner: CommandRunner): Promise<IpLinks> {
  const result = await runner.run('ip', ['-j', '-d', 'link', 'show'], { timeoutMs: 30_000 });
  if (result.exitCode !== 0) {
    throw new VfleetError('COMMAND_FAILED', `ip -j -d link show failed: ${result.stderr.trim()}`, {
      command: 'ip',
      exitCode: result.exitCode,
    });
  }
  return parseIpLinks(result.stdout);
}
