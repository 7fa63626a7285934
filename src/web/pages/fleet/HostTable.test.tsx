import { describe, expect, it } from 'vitest';
import { count, renderAt } from '../../app/static-render.js';
import { hostSummarySchema } from '../../../api/schemas/hosts.js';
import { HostTable } from './HostTable.js';

const summary = (id: string, over: Record<string, unknown> = {}) =>
  hostSummarySchema.parse({
    id,
    labels: { rack: 'r1' },
    health: 'degraded',
    ready: false,
    lastSeen: '2026-12-03T12:00:00.000Z',
    desiredGeneration: 3,
    appliedGeneration: 2,
    lastApplyMessage: null,
    numaNodes: [],
    memoryMb: null,
    cordon: null,
    pfCount: 2,
    vfCounts: { total: 14, free: 9, reserved: 1, allocated: 3, quarantined: 1, dirty: 0 },
    findingCount: 4,
    ...over,
  });

describe('fleet host table', () => {
  it('shows a row per host with its health, readiness, labels, counts and findings', () => {
    const html = renderAt(
      '/',
      <HostTable
        hosts={[summary('h1'), summary('h2')]}
        headers={{ id: 'Host', lastSeen: 'Last seen' }}
      />,
    );
    expect(count(html, 'data-testid="host-row"')).toBe(2);
    expect(html).toContain('href="/hosts/h1"');
    expect(html).toContain('degraded');
    expect(html).toContain('not ready <span class="muted">2/3</span>');
    expect(html).toContain('rack=r1');
    expect(html).toContain('2026-12-03 12:00:00 UTC');
    expect(html).toContain('14 total: 9 free, 1 reserved, 3 allocated, 1 quarantined, 0 dirty');
    expect(html).toContain('<td>4</td>');
  });

  it('says so when no host matches', () => {
    expect(
      renderAt('/', <HostTable hosts={[]} headers={{ id: 'Host', lastSeen: 'Last seen' }} />),
    ).toContain('No host matches.');
  });
});
