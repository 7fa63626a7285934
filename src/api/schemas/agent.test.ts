import { describe, expect, it } from 'vitest';
import { readDesired } from './agent.js';

describe("the agent's reading of a desired answer", () => {
  it('takes a brief "unchanged" answer as it is, and still refuses a malformed state', () => {
    expect(readDesired({ generation: 4, unchanged: true })).toEqual({
      generation: 4,
      unchanged: true,
    });
    const bad = readDesired({ generation: 5, state: { pfs: 'x' }, domains: [], tasks: [] });
    expect(bad).toMatchObject({ refused: true, generation: 5, field: 'state.pfs' });
    // `unchanged` must be true: anything else is read as a whole state, and refused.
    expect(readDesired({ generation: 6, unchanged: false })).toMatchObject({ refused: true });
  });
});
