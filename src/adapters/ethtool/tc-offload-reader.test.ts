import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { testingAsset } from '../../testing/testing-assets.js';
import { parseTcOffload } from './tc-offload-reader.js';

describe('parseTcOffload', () => {
  it('reads hw-tc-offload from a real `ethtool -k`', async () => {
    const text = await readFile(
      testingAsset('fixtures/switchdev-capture/ethtool-k-uplink.txt'),
      'utf8',
    );
    expect(parseTcOffload(text)).toBe(true);
  });

  it('reads a fixed off, and null where ethtool lists no such feature', () => {
    expect(parseTcOffload('Features for x:\nhw-tc-offload: off [fixed]\n')).toBe(false);
    expect(parseTcOffload('Features for x:\nrx-checksumming: on\n')).toBeNull();
  });
});
