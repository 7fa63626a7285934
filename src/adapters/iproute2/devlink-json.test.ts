import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { testingAsset } from '../../testing/testing-assets.js';
import { parseEswitchJson } from './devlink-json.js';

const capture = (f: string) => readFile(testingAsset(`fixtures/switchdev-capture/${f}`), 'utf8');

describe('parseEswitchJson', () => {
  it('reads the mode devlink printed on a real kernel (netdevsim)', async () => {
    const e = parseEswitchJson('netdevsim/netdevsim10', await capture('devlink-eswitch.json'));
    expect(e).toEqual({
      handle: 'netdevsim/netdevsim10',
      mode: 'switchdev',
      inlineMode: null,
      encapMode: null,
    });
  });

  it('keeps inline and encap modes where the driver reports them (mlx5 prints both)', () => {
    const out =
      '{"dev":{"pci/0000:08:00.0":{"mode":"legacy","inline-mode":"none","encap-mode":"basic"}}}';
    expect(parseEswitchJson('pci/0000:08:00.0', out)).toEqual({
      handle: 'pci/0000:08:00.0',
      mode: 'legacy',
      inlineMode: 'none',
      encapMode: 'basic',
    });
  });

  it('reports a mode it does not know as null, never as legacy', () => {
    expect(
      parseEswitchJson('pci/x', '{"dev":{"pci/x":{"mode":"switchdev_inactive"}}}').mode,
    ).toBeNull();
  });

  it('says which command printed what it cannot read', () => {
    expect(() => parseEswitchJson('pci/x', 'No such device')).toThrow(
      /devlink -j dev eswitch show pci\/x.*invalid JSON/,
    );
  });
});
