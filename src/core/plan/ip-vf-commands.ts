import type { CommandResult } from '../ports.js';
import type { AttrChange, VfAttribute } from './plan-types.js';
import { normalizeTag } from './vf-attribute-diff.js';

/**
 * iproute2 knowledge for VF settings, as pure string building: the lines fed
 * to `ip -force -batch -` and how to read its stderr back.
 */

/** One `ip -batch` line setting one attribute of one VF. */
export interface VfCommandLine {
  readonly attr: VfAttribute;
  readonly line: string;
}

function argsFor(c: AttrChange): string {
  switch (c.attr) {
    case 'mac':
      return `mac ${c.to}`;
    case 'vlan': {
      const t = normalizeTag(c.to);
      if (t.vlan === 0) return 'vlan 0';
      // Without `proto` ip sends IFLA_VF_VLAN, which means 802.1Q and which
      // drivers without 802.1ad support (igb) still accept.
      const qos = t.qos === 0 ? '' : ` qos ${t.qos}`;
      return `vlan ${t.vlan}${qos}${t.proto === '802.1Q' ? '' : ` proto ${t.proto}`}`;
    }
    case 'spoofchk':
    case 'trust':
      return `${c.attr} ${c.to ? 'on' : 'off'}`;
    case 'state':
      return `state ${c.to}`;
    case 'maxTxRate':
      return `max_tx_rate ${c.to}`;
    case 'minTxRate':
      return `min_tx_rate ${c.to}`;
  }
}

/**
 * The kernel refuses a min rate above a non-zero max at every step, and ip
 * fills the rate it is not given from the current value; so lowering max
 * under the current min must set min first, anything else max first.
 */
type RateChange = Extract<AttrChange, { attr: 'maxTxRate' | 'minTxRate' }>;
const rate = (changes: readonly AttrChange[], attr: RateChange['attr']): RateChange | undefined =>
  changes.find((c): c is RateChange => c.attr === attr);

function rateOrder(changes: readonly AttrChange[]): AttrChange[] {
  const max = rate(changes, 'maxTxRate');
  const min = rate(changes, 'minTxRate');
  const rest = changes.filter((c) => c.attr !== 'maxTxRate' && c.attr !== 'minTxRate');
  if (max === undefined || min === undefined) {
    return [...rest, ...(max ? [max] : []), ...(min ? [min] : [])];
  }
  const minFirst = max.to !== 0 && min.from !== null && max.to < min.from;
  return [...rest, ...(minFirst ? [min, max] : [max, min])];
}

/** Interface names go into a line that ip splits on blanks and reads `#` and quotes in. */
export const isBatchSafeIfname = (ifname: string): boolean => /^[^\s"'#\\]+$/.test(ifname);

/** One line per attribute, so a driver rejecting one attribute does not drop the others. */
export function vfCommandLines(
  pfIfname: string,
  vf: number,
  changes: readonly AttrChange[],
): VfCommandLine[] {
  return rateOrder(changes).map((c) => ({
    attr: c.attr,
    line: `link set dev ${pfIfname} vf ${vf} ${argsFor(c)}`,
  }));
}

export const IP_BATCH_ARGS = ['-force', '-batch', '-'] as const;

export interface BatchLineOutcome {
  readonly status: 'ok' | 'failed' | 'unsupported';
  readonly detail: string | null;
}

/** `Command failed -:12` -> 12; null for any other line. (No RegExp#exec: the lint bans it.) */
function failedLine(text: string): number | null {
  if (!text.startsWith('Command failed ')) return null;
  const n = text.slice(text.lastIndexOf(':') + 1);
  return /^\d+$/.test(n) ? Number(n) : null;
}

/**
 * Per-line outcome of `ip -force -batch -`. For a failing line iproute2
 * prints the error (`RTNETLINK answers: Operation not supported`) and then
 * `Command failed -:N`, N the 1-based line number, and goes on. A parse
 * error makes ip exit at once: the lines after the last marker then have no
 * confirmation and are reported failed with what ip printed last.
 */
export function batchOutcomes(lineCount: number, result: CommandResult): BatchLineOutcome[] {
  const failures = new Map<number, string>();
  let pending: string[] = [];
  for (const raw of result.stderr.split('\n')) {
    const text = raw.trim();
    if (text === '') continue;
    const n = failedLine(text);
    if (n !== null) {
      failures.set(n, pending.join('; ') || 'failed');
      pending = [];
    } else pending.push(text);
  }
  const lastMarked = Math.max(0, ...failures.keys());
  const aborted = result.exitCode !== 0 && (pending.length > 0 || failures.size === 0);
  const abortReason =
    pending.join('; ') || `ip exited with status ${result.exitCode} without saying why`;
  const out: BatchLineOutcome[] = [];
  for (let n = 1; n <= lineCount; n++) {
    const reason = failures.get(n);
    if (reason !== undefined) {
      out.push({
        status: /not supported/i.test(reason) ? 'unsupported' : 'failed',
        detail: reason,
      });
    } else if (aborted && n > lastMarked) {
      out.push({
        status: 'failed',
        detail: `ip stopped before confirming this line: ${abortReason}`,
      });
    } else out.push({ status: 'ok', detail: null });
  }
  return out;
}
