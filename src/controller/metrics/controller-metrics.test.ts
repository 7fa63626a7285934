import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { VfleetError } from '../../core/errors.js';
import type { FleetEvent } from '../../core/fleet/events.js';
import { sampleValue } from '../../testing/exposition.js';
import { checkMetrics } from '../../testing/promtool.js';
import { createControllerMetrics } from './controller-metrics.js';

const event = (kind: FleetEvent['kind']): FleetEvent => ({
  id: 1,
  at: '2030-01-01T00:00:00Z',
  kind,
  host: 'hv1',
  tenant: null,
  subject: 'vm1',
  message: kind,
  data: {},
});

describe('the controller metrics', () => {
  it('counts claims by outcome, and the hosts a no_capacity turned down by reason', async () => {
    const registry = new Registry();
    const m = createControllerMetrics(registry);
    m.claim(0.02, { replayed: false });
    m.claim(0.01, { replayed: true });
    const rejections = { notReady: 2, unhealthy: 0, labels: 1, memory: 0, cpus: 0, vfs: 3 };
    m.claim(0.3, { error: new VfleetError('NO_CAPACITY', 'no', { rejections }) });
    m.claim(0.1, { error: new VfleetError('QUOTA_EXCEEDED', 'over') });
    m.claim(0.1, { error: new Error('a bug') });
    const text = await registry.metrics();
    const claims = (outcome: string) => sampleValue(text, 'vfleet_claims_total', { outcome });
    expect(['placed', 'replayed', 'no_capacity', 'quota', 'error'].map(claims)).toEqual([
      1, 1, 1, 1, 1,
    ]);
    const reason = (r: string) =>
      sampleValue(text, 'vfleet_scheduling_rejections_total', { reason: r });
    expect(['not_ready', 'unhealthy', 'labels', 'vfs'].map(reason)).toEqual([2, 0, 1, 3]);
    expect(
      sampleValue(text, 'vfleet_claim_duration_seconds_bucket', {
        outcome: 'no_capacity',
        le: '0.25',
      }),
    ).toBe(0);
    expect(
      sampleValue(text, 'vfleet_claim_duration_seconds_bucket', {
        outcome: 'no_capacity',
        le: '0.5',
      }),
    ).toBe(1);
    expect(await checkMetrics(text)).toEqual({ exitCode: 0, output: '' });
  });

  it('counts migrations by how they ended, from the events recorded, and applies by result', async () => {
    const registry = new Registry();
    const m = createControllerMetrics(registry);
    for (const k of [
      'migration-started',
      'migration-started',
      'migration-done',
      'migration-rolled-back',
      'vf-configured',
    ] as const)
      m.event(event(k));
    m.applied(true, 0);
    m.applied(false, 2);
    const text = await registry.metrics();
    const migrations = (outcome: string) =>
      sampleValue(text, 'vfleet_migrations_total', { outcome });
    expect(['started', 'done', 'rolled_back', 'needs_attention'].map(migrations)).toEqual([
      2, 1, 1, 0,
    ]);
    expect(sampleValue(text, 'vfleet_events_total', { kind: 'vf-configured' })).toBe(1);
    expect(sampleValue(text, 'vfleet_apply_results_total', { result: 'failed' })).toBe(1);
    expect(sampleValue(text, 'vfleet_apply_failed_vfs_total')).toBe(2);
  });
});
