import { describe, expect, it } from 'vitest';
import { parseCpuTicks, parseRssBytes, sampleProc } from './proc-usage.js';

describe('proc usage', () => {
  it('reads utime + stime past a command name holding spaces and parentheses', () => {
    const stat =
      '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 1200 0 0 0 731 169 0 0 20 0 11 0 100 1000000 5000';
    expect(parseCpuTicks(stat)).toBe(731 + 169);
  });

  it('reads VmRSS in bytes', () => {
    expect(parseRssBytes('Name:\tnode\nVmRSS:\t  123456 kB\nVmSwap:\t0 kB\n')).toBe(123456 * 1024);
    expect(() => parseRssBytes('Name:\tnode\n')).toThrow(/VmRSS/);
  });

  it('samples this process: CPU time grows with work', async () => {
    const a = await sampleProc(process.pid);
    const end = Date.now() + 150;
    let x = 0;
    while (Date.now() < end) x += Math.sqrt(x + 1);
    const b = await sampleProc(process.pid);
    expect(x).toBeGreaterThan(0);
    expect(b.cpuTicks).toBeGreaterThan(a.cpuTicks);
    expect(b.rssBytes).toBeGreaterThan(10 * 2 ** 20);
  });
});
