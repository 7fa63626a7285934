import { describe, expect, it } from 'vitest';
import { logShapes } from './agent-fleet-bench.js';

describe('logShapes', () => {
  it('folds host names and numbers, and counts the commonest kinds first', () => {
    const shapes = logShapes([
      'host00001: desired state: fetch failed; trying again',
      'host00002: report failed: HTTP 503 after 12 ms',
      'host00003: desired state: fetch failed; trying again',
    ]);
    expect(shapes).toEqual([
      { line: 'desired state: fetch failed; trying again', count: 2 },
      { line: 'report failed: HTTP N after N ms', count: 1 },
    ]);
  });
});
