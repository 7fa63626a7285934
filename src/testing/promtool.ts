import { createExecRunner } from '../adapters/exec/exec-runner.js';

/**
 * Prometheus's own checker (Debian's `prometheus` package) on text a test
 * scraped or a file it ships: `promtool check metrics` reads the exposition
 * from stdin and prints each lint problem (exit 3), `check rules` and
 * `test rules` take files.
 */
const runner = createExecRunner({ path: process.env.PATH });

export interface PromtoolResult {
  readonly exitCode: number;
  /** stdout and stderr together: where promtool's versions print their findings differ. */
  readonly output: string;
}

export async function promtool(args: readonly string[], input?: string): Promise<PromtoolResult> {
  const r = await runner.run('promtool', args, {
    timeoutMs: 30_000,
    ...(input === undefined ? {} : { input }),
  });
  return { exitCode: r.exitCode, output: `${r.stdout}${r.stderr}`.trim() };
}

export const checkMetrics = (text: string): Promise<PromtoolResult> =>
  promtool(['check', 'metrics'], text);
