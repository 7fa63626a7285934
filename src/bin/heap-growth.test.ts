import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoDir } from '../testing/built-cli.js';

const module = pathToFileURL(join(repoDir, 'dist', 'bin', 'heap-growth.js')).href;

/**
 * A child keeps about 80 MB live and churns garbage past it, the way a
 * joined fleet's controller does; it prints its heap's peak size over what
 * is live. `bound`: it calls boundControllerHeap first, as `vfleet
 * controller` does.
 */
async function heapPeakOverLive(bound: boolean, nodeFlags: string[] = []): Promise<number> {
  const script = `
    const { boundControllerHeap } = await import(${JSON.stringify(module)});
    if (${String(bound)}) boundControllerHeap(process.execArgv);
    const live = [];
    for (let i = 0; i < 1e6; i++) live.push({ a: i, b: 'x' + i });
    globalThis.gc();
    const used = process.memoryUsage().heapUsed;
    let peak = 0;
    for (let r = 0; r < 150; r++) {
      const g = [];
      for (let i = 0; i < 1e5; i++) g.push({ i, s: 'y' + i });
      peak = Math.max(peak, process.memoryUsage().heapTotal);
    }
    process.stdout.write(String(peak / used) + ' ' + String(live.length));`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', ...nodeFlags, '--input-type=module', '-e', script],
    { timeout: 60_000 },
  );
  return Number(stdout.split(' ')[0]);
}

describe('the controller heap bound', () => {
  beforeAll(ensureBuilt, 300_000);

  it('keeps the heap near what is live, where V8 alone lets it grow several times over', async () => {
    const alone = await heapPeakOverLive(false);
    const bounded = await heapPeakOverLive(true);
    // Bounded: live x 1.5 plus the young generation; V8 alone went past 5 here.
    expect(bounded).toBeLessThan(3);
    expect(alone).toBeGreaterThan(bounded * 1.5);
  }, 120_000);

  it("leaves a growth given on node's command line alone", async () => {
    const chosen = await heapPeakOverLive(true, ['--heap-growing-percent=400']);
    expect(chosen).toBeGreaterThan(3);
  }, 120_000);
});
