/**
 * How a claim bench makes its fleet: `agents` (the default) joins it through
 * simulated agents running the agent's real loop, as issue 14 asks of the
 * scale benches; `sql` writes it straight into the store (seconds instead of
 * minutes at 10,000 hosts), for a quick profile only.
 */
export type FleetSource = 'agents' | 'sql';

/** VFLEET_BENCH_FLEET as run-benches reads it: unset or empty is `agents`; anything else unknown is refused. */
export function fleetSourceFrom(text: string | undefined): FleetSource {
  if (text === undefined || text === '' || text === 'agents') return 'agents';
  if (text === 'sql') return 'sql';
  throw new Error(`VFLEET_BENCH_FLEET=${text}: expected "agents" (the default) or "sql"`);
}
