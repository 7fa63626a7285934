import { describe, expect, it } from 'vitest';
import { fleetSourceFrom } from './fleet-source.js';

describe('fleetSourceFrom', () => {
  it('joins through agents unless SQL seeding is asked for by name', () => {
    expect(fleetSourceFrom(undefined)).toBe('agents');
    expect(fleetSourceFrom('')).toBe('agents');
    expect(fleetSourceFrom('agents')).toBe('agents');
    expect(fleetSourceFrom('sql')).toBe('sql');
  });
  it('refuses a value it does not know, naming the variable and the choices', () => {
    expect(() => fleetSourceFrom('SQL')).toThrow(
      /VFLEET_BENCH_FLEET=SQL: expected "agents".*"sql"/,
    );
  });
});
