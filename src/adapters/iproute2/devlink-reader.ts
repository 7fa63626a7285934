import type { EswitchFacts } from '../../core/host-facts.js';
import type { CommandRunner } from '../../core/ports.js';
import { VfleetError } from '../../core/errors.js';
import { parseEswitchJson } from './devlink-json.js';

/**
 * The eswitch of each devlink handle asked about, one `devlink` call each
 * (iproute2's devlink cannot list every eswitch at once). A handle devlink
 * does not know, or whose driver has no eswitch, is left out: its mode is
 * unknown, not legacy. No `devlink` program at all is a warning, not an error:
 * the rest of the scan stands.
 */
export async function readEswitches(
  runner: CommandRunner,
  handles: readonly string[],
): Promise<{ eswitches: EswitchFacts[]; warnings: string[] }> {
  const eswitches: EswitchFacts[] = [];
  const warnings: string[] = [];
  for (const handle of handles) {
    let r;
    try {
      r = await runner.run('devlink', ['-j', 'dev', 'eswitch', 'show', handle], {
        timeoutMs: 30_000,
      });
    } catch (e) {
      if (e instanceof VfleetError && e.code === 'MISSING_DEPENDENCY') {
        warnings.push('devlink: not found on PATH (iproute2): eswitch modes not read');
        break;
      }
      throw e;
    }
    if (r.exitCode === 0) eswitches.push(parseEswitchJson(handle, r.stdout));
  }
  return { eswitches, warnings };
}
