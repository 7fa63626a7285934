import type { VfTrafficStats } from '../../core/host-facts.js';
import type { CommandRunner } from '../../core/ports.js';
import { VfleetError } from '../../core/errors.js';
import { parseVfStatsJson } from './vf-stats-json.js';

/** One `ip -s -j link show` for the whole host: every PF's VF counters at once. */
export async function readVfStats(runner: CommandRunner): Promise<Map<string, VfTrafficStats[]>> {
  const result = await runner.run('ip', ['-s', '-j', 'link', 'show'], { timeoutMs: 10_000 });
  if (result.exitCode !== 0) {
    throw new VfleetError('COMMAND_FAILED', `ip -s -j link show failed: ${result.stderr.trim()}`, {
      command: 'ip',
      exitCode: result.exitCode,
    });
  }
  return parseVfStatsJson(result.stdout);
}
