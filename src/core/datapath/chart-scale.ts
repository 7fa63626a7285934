/**
 * The value axis of a chart: nice tick values (1, 2 or 5 times a power of
 * ten) that cover the data, and their labels with SI suffixes.
 */

export interface Ticks {
  /** Tick values, ascending; the first is the axis's start, the last its end. */
  readonly values: readonly number[];
  readonly step: number;
}

const STEPS = [1, 2, 5] as const;

/**
 * Ticks from at or below `min` to at or above `max`, about `target` of them.
 * An empty range (all values equal, all zero) is widened to one step so the
 * axis has a length and nothing is divided by zero.
 */
export function niceTicks(min: number, max: number, target = 5): Ticks {
  let lo = Math.min(min, max);
  let hi = Math.max(min, max);
  if (hi === lo) {
    // A flat series sits on a real axis: [0, 1] around zero, else a span around the value.
    const pad = lo === 0 ? 1 : Math.abs(lo) / 2;
    lo = lo >= 0 ? Math.max(0, lo - pad) : lo - pad;
    hi = hi + pad;
  }
  const raw = (hi - lo) / Math.max(1, target);
  const exp = Math.floor(Math.log10(raw));
  // The smallest 1-2-5 step at least `raw` keeps the count at or under target.
  let mantissa = 10;
  for (const m of STEPS) {
    if (Number(`${m}e${exp}`) >= raw) {
      mantissa = m;
      break;
    }
  }
  const first = Math.floor(lo / Number(`${mantissa}e${exp}`));
  const last = Math.ceil(hi / Number(`${mantissa}e${exp}`));
  const values: number[] = [];
  // Each value parsed from its decimal form (k·m "e" exp), so 0.1-steps give
  // 0.3, not 0.30000000000000004.
  for (let k = first; k <= last; k++) values.push(Number(`${k * mantissa}e${exp}`));
  return { values, step: Number(`${mantissa}e${exp}`) };
}

const PREFIXES = ['', 'k', 'M', 'G', 'T', 'P', 'E'] as const;

/** The axis's labels with the prefix 10^(3·power); decimals as few as tell ticks apart. */
function labelsAt(ticks: Ticks, power: number): string[] {
  const scale = Number(`1e${power * 3}`);
  const decimals = Math.min(12, Math.max(0, -Math.floor(Math.log10(ticks.step / scale) + 1e-9)));
  return ticks.values.map((v) => {
    const text = (v / scale).toFixed(decimals);
    // toFixed keeps a sign on rounded-away negatives ("-0"): not a value anyone measured.
    return /^-?0(\.0*)?$/.test(text) ? '0' : `${text}${PREFIXES[power] ?? ''}`;
  });
}

/**
 * Labels for a whole axis with one shared SI prefix (`0, 0.5M, 1.0M, 1.5M`):
 * one scale to read down the axis. Of the prefixes up to the largest value's,
 * the one giving the shortest labels wins (the larger on a tie), so 0..1000
 * reads `200, 400, ... 1000`, not `0.2k ... 1.0k`, and 0..10000 `2k ... 10k`.
 */
export function formatTicks(ticks: Ticks): string[] {
  const largest = Math.max(...ticks.values.map(Math.abs), 0);
  const top =
    largest < 1000 ? 0 : Math.min(PREFIXES.length - 1, Math.floor(Math.log10(largest) / 3));
  let best = labelsAt(ticks, 0);
  for (let power = 1; power <= top; power++) {
    const labels = labelsAt(ticks, power);
    if (labels.join('').length <= best.join('').length) best = labels;
  }
  return best;
}
