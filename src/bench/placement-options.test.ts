import { describe, expect, it } from 'vitest';
import { placementOptions } from './placement-options.js';

const repo = '/r/vfleet';

describe('placementOptions', () => {
  it('defaults: the kit beside the repo, 100 and 1,000 hosts, then 2,000 and 5,000 within 600 s', () => {
    const o = placementOptions({ PATH: '/usr/bin' }, repo, '/t');
    expect(o).toMatchObject({
      kitDir: '/r/shared/bench/placement',
      sizes: [100, 1000],
      tryLarger: [2000, 5000],
      budgetSeconds: 600,
      eightPfHosts: 100,
      cTimeoutSeconds: 120,
      rawDir: undefined,
      state: '/t/vfleet-placement-bench',
      port: 8778,
      pgPort: 55432,
    });
    // The kit's scripts get the caller's environment with the kit knobs made explicit.
    expect(o.kitEnv).toEqual({
      PATH: '/usr/bin',
      PB_STATE: '/t/vfleet-placement-bench',
      PB_PORT: '8778',
      PB_PG_PORT: '55432',
    });
  });

  it('every setting can be overridden; "none" skips the search for the largest size', () => {
    const o = placementOptions(
      {
        VFLEET_PLACEMENT_KIT: '/elsewhere/kit',
        VFLEET_PLACEMENT_SIZES: '50, 200',
        VFLEET_PLACEMENT_TRY: 'none',
        VFLEET_PLACEMENT_BUDGET_S: '300',
        VFLEET_PLACEMENT_8PF_HOSTS: '10',
        VFLEET_PLACEMENT_C_TIMEOUT_S: '30',
        VFLEET_PLACEMENT_RAW_DIR: '/keep',
        PB_STATE: '/tmp/pb',
        PB_PORT: '18778',
      },
      repo,
      '/t',
    );
    expect(o).toMatchObject({
      kitDir: '/elsewhere/kit',
      sizes: [50, 200],
      tryLarger: [],
      budgetSeconds: 300,
      eightPfHosts: 10,
      cTimeoutSeconds: 30,
      rawDir: '/keep',
      state: '/tmp/pb',
      port: 18778,
    });
    expect(o.kitEnv.PB_STATE).toBe('/tmp/pb');
  });

  it('bad values are refused naming the variable and the reason', () => {
    expect(() => placementOptions({ VFLEET_PLACEMENT_SIZES: '100,lots' }, repo, '/t')).toThrow(
      'VFLEET_PLACEMENT_SIZES: "lots" is not a positive whole number',
    );
    expect(() => placementOptions({ VFLEET_PLACEMENT_BUDGET_S: '-1' }, repo, '/t')).toThrow(
      /^VFLEET_PLACEMENT_BUDGET_S: /,
    );
    expect(() => placementOptions({ VFLEET_PLACEMENT_SIZES: 'none' }, repo, '/t')).toThrow(
      'VFLEET_PLACEMENT_SIZES: give at least one size',
    );
  });
});
