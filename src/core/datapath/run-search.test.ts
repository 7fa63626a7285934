import { describe, expect, it } from 'vitest';
import type { TrialResult } from './datapath-report.js';
import { measureThroughput, type SearchProgress } from './run-search.js';
import { simulateTrial, thresholdDevice } from './simulated-device.js';

const options = { minPps: 1_000, maxPps: 1_488_095, resolutionPps: 100 };

describe('measuring throughput', () => {
  it('runs trials one at a time to the known answer, reporting each', async () => {
    const device = { lossAt: thresholdDevice(812_345) };
    let running = 0;
    let most = 0;
    const progress: SearchProgress[] = [];
    const result = await measureThroughput(
      async (pps) => {
        running += 1;
        most = Math.max(most, running);
        // Yield so that an overlapping trial, were one started, would be seen.
        await Promise.resolve();
        running -= 1;
        return simulateTrial(device, pps);
      },
      options,
      (p) => progress.push(p),
    );
    expect(most).toBe(1);
    expect(result.ratePps).toBeGreaterThan(812_345 - 100);
    expect(result.ratePps).toBeLessThanOrEqual(812_345);
    expect(progress.map((p) => p.trial)).toEqual(
      Array.from({ length: result.trials }, (_, i) => i + 1),
    );
    expect(progress[0]?.measured.offeredPps).toBe(1_488_095);
    expect(progress[0]?.measured.passed).toBe(false);
    // Each report names the rate tried next; the last says there is none.
    progress.slice(0, -1).forEach((p, i) => {
      expect(p.nextPps).toBe(progress[i + 1]?.measured.offeredPps);
    });
    expect(progress.at(-1)?.nextPps).toBeNull();
  });

  it('passes on a trial that throws (Ctrl-C, a dead generator) and runs no more', async () => {
    const asked: number[] = [];
    const stop = new Error('interrupted');
    const trial = (pps: number): Promise<TrialResult> => {
      asked.push(pps);
      if (asked.length === 3) return Promise.reject(stop);
      return Promise.resolve(simulateTrial({ lossAt: thresholdDevice(500_000) }, pps));
    };
    await expect(measureThroughput(trial, options)).rejects.toBe(stop);
    expect(asked).toHaveLength(3);
  });
});
