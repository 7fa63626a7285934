import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPLOY, shippedExpressions, vfleetNamesIn } from './deploy-files.js';
import { promtool } from './promtool.js';

/**
 * The alert rules pass Prometheus's own checks, and its rule unit tests
 * (deploy/prometheus/vfleet-alerts.test.yml) fire each tested alert on its
 * series. That the metrics they read exist is proved on a real scrape in
 * src/agent/metrics-e2e.test.ts.
 */
describe('the shipped alert rules and dashboard', () => {
  it('promtool check rules passes the alert rules', async () => {
    const r = await promtool(['check', 'rules', DEPLOY.alerts]);
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).toContain('SUCCESS: 6 rules found');
  });

  it('promtool test rules: the alerts fire (and wait) as their tests expect', async () => {
    const r = await promtool(['test', 'rules', DEPLOY.alertTests]);
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).toContain('SUCCESS');
  });

  it('promtool check rules bites: a made-up bad rule is reported', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vfleet-rules-'));
    try {
      const bad = join(dir, 'bad.yml');
      await writeFile(
        bad,
        'groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: rate(\n',
      );
      const r = await promtool(['check', 'rules', bad]);
      expect(r.exitCode).not.toBe(0);
      expect(r.output).toMatch(/FAILED|error/i);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the dashboard and the rules read vfleet metrics in every panel', async () => {
    const exprs = await shippedExpressions();
    expect(exprs.length).toBeGreaterThan(20);
    // Only the agent-gone rule reads Prometheus's own `up`.
    expect(exprs.filter((e) => vfleetNamesIn(e).length === 0)).toEqual([
      'up{job="vfleet-agent"} == 0',
    ]);
  });
});
