import type { CommandRunner } from '../../core/ports.js';
import { VfleetError } from '../../core/errors.js';

/** `hw-tc-offload: on [fixed]` in `ethtool -k IF`; null when ethtool does not list it. */
export function parseTcOffload(stdout: string): boolean | null {
  const m = /^hw-tc-offload:\s+(on|off)\b/m.exec(stdout);
  return m === null ? null : m[1] === 'on';
}

/**
 * `hw-tc-offload` of each netdev named (switchdev uplinks: TC flower rules,
 * OVS's hardware offload, reach the NIC only with it on). A netdev ethtool
 * cannot read is left out; no ethtool at all is one warning.
 */
export async function readTcOffload(
  runner: CommandRunner,
  ifnames: readonly string[],
): Promise<{ tcOffload: Map<string, boolean>; warnings: string[] }> {
  const tcOffload = new Map<string, boolean>();
  const warnings: string[] = [];
  for (const ifname of ifnames) {
    let r;
    try {
      r = await runner.run('ethtool', ['-k', ifname], { timeoutMs: 30_000 });
    } catch (e) {
      if (e instanceof VfleetError && e.code === 'MISSING_DEPENDENCY') {
        warnings.push('ethtool: not found on PATH: hw-tc-offload not read');
        break;
      }
      throw e;
    }
    const on = r.exitCode === 0 ? parseTcOffload(r.stdout) : null;
    if (on !== null) tcOffload.set(ifname, on);
  }
  return { tcOffload, warnings };
}
