import type { VfLinkFacts } from '../../core/host-facts.js';
import type { CommandRunner } from '../../core/ports.js';
import { VfleetError } from '../../core/errors.js';
import { parseIpLinkJson } from './ip-link-json.js';

/** One `ip -j -d link show` for the whole host: every PF's vfinfo_list at once. */
export async function readVfLinks(runner: CommandRunner): Promise<Map<string, VfLinkFacts[]>> {
  const result = await runner.run('ip', ['-j', '-d', 'link', 'show'], { timeoutMs: 30_000 });
  if (result.exitCode !== 0) {
    throw new VfleetError('COMMAND_FAILED', `ip -j -d link show failed: ${result.stderr.trim()}`, {
      command: 'ip',
      exitCode: result.exitCode,
    });
  }
  return parseIpLinkJson(result.stdout);
}
