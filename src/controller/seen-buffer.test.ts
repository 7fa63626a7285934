import { describe, expect, it } from 'vitest';
import type { Sighting } from '../core/fleet/host-store.js';
import { createSeenBuffer } from './seen-buffer.js';

describe('seen buffer', () => {
  it('writes the sightings gathered in one batch, the latest per host, in order', async () => {
    const writes: Sighting[][] = [];
    const b = createSeenBuffer({
      write: (s) => {
        writes.push([...s]);
        return Promise.resolve();
      },
      everyMs: 60_000,
      log: () => undefined,
    });
    b.seen('h1', 't1');
    b.seen('h2', 't1');
    b.seen('h1', 't2');
    await b.flush();
    await b.flush(); // nothing gathered: no write
    b.seen('h3', 't3');
    await b.close();
    expect(writes).toEqual([
      [
        { id: 'h1', at: 't2' },
        { id: 'h2', at: 't1' },
      ],
      [{ id: 'h3', at: 't3' }],
    ]);
  });

  it('keeps a failed batch for the next write, a newer sighting winning, and says why', async () => {
    const writes: Sighting[][] = [];
    const logs: string[] = [];
    let fail = true;
    const b = createSeenBuffer({
      write: (s) => {
        writes.push([...s]);
        if (!fail) return Promise.resolve();
        // Heard from again while the failing write was out.
        b.seen('h2', 't2');
        return Promise.reject(new Error('database gone'));
      },
      everyMs: 60_000,
      log: (l) => logs.push(l),
    });
    b.seen('h1', 't1');
    b.seen('h2', 't1');
    await b.flush();
    fail = false;
    await b.close();
    expect(logs).toEqual(['last_seen write of 2 hosts failed: Error: database gone']);
    expect(writes[1]).toEqual([
      { id: 'h2', at: 't2' },
      { id: 'h1', at: 't1' },
    ]);
  });

  it('writes on its own every everyMs', async () => {
    const writes: Sighting[][] = [];
    const b = createSeenBuffer({
      write: (s) => {
        writes.push([...s]);
        return Promise.resolve();
      },
      everyMs: 10,
      log: () => undefined,
    });
    b.seen('h1', 't1');
    await new Promise((r) => setTimeout(r, 60));
    await b.close();
    expect(writes).toEqual([[{ id: 'h1', at: 't1' }]]);
  });
});
