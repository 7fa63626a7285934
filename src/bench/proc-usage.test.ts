import { describe, expect, it } from 'vitest';
import {
  machineBusyTicks,
  parseCpuTicks,
  parseMachineBusyTicks,
  parseRssBytes,
  sampleProc,
} from './proc-usage.js';

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

  it('counts the machine busy: all of the cpu line but idle and iowait', () => {
    const stat = 'cpu  100 2 30 5000 70 4 5 6 50 0\ncpu0 50 1 15 2500 35 2 2 3 25 0\nintr 1\n';
    expect(parseMachineBusyTicks(stat)).toBe(100 + 2 + 30 + 4 + 5 + 6);
    expect(() => parseMachineBusyTicks('intr 1\n')).toThrow(/proc\/stat/);
  });

  it('reads the machine busy ticks, which grow while this process works', async () => {
    const a = await machineBusyTicks();
    const end = Date.now() + 150;
    let x = 0;
    while (Date.now() < end) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    expect(await machineBusyTicks()).toBeGreaterThan(a);
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
