import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { testingAsset } from '../../testing/testing-assets.js';
import { parseVdpaConfigs, parseVdpaDevices, parseVdpaMgmtdevs } from './vdpa-json.js';

const capture = (f: string) => readFile(testingAsset(`fixtures/switchdev-capture/${f}`), 'utf8');

describe('vdpa -j parsers', () => {
  it('read the simulator management device a real kernel printed', async () => {
    expect(parseVdpaMgmtdevs(await capture('vdpa-mgmtdev.json'))).toEqual([
      {
        name: 'vdpasim_net',
        classes: ['net'],
        maxVqs: 3,
        features: expect.arrayContaining(['MAC', 'MTU', 'CTRL_VQ', 'VERSION_1']) as string[],
      },
    ]);
  });

  it('read its device, and the config keys iproute2 6.1 prints with a trailing space', async () => {
    expect(parseVdpaDevices(await capture('vdpa-dev.json'))).toEqual([
      { name: 'vdpa0', mgmtdev: 'vdpasim_net', type: 'network', maxVqs: 3, maxVqSize: 256 },
    ]);
    expect(parseVdpaConfigs(await capture('vdpa-dev-config.json')).get('vdpa0')).toEqual({
      mac: '02:00:00:00:01:01',
      mtu: 1500,
    });
  });

  it('key a VF management device by its PCI function (mlx5 shape)', () => {
    const out =
      '{"mgmtdev":{"pci/0000:08:00.2":{"supported_classes":["net"],"max_supported_vqs":16,"dev_features":["CSUM","MAC"]}}}';
    expect(parseVdpaMgmtdevs(out)[0]?.name).toBe('pci/0000:08:00.2');
    const devs =
      '{"dev":{"vdpa1":{"type":"network","mgmtdev":"pci/0000:08:00.2","vendor_id":5555,"max_vqs":16,"max_vq_size":256}}}';
    expect(parseVdpaDevices(devs)[0]).toMatchObject({ name: 'vdpa1', mgmtdev: 'pci/0000:08:00.2' });
  });

  it('read no devices as an empty list, and name the command on bad output', () => {
    expect(parseVdpaDevices('{"dev":{}}')).toEqual([]);
    expect(() => parseVdpaDevices('{"dev":{"x":{}}}')).toThrow(/vdpa -j dev show.*dev\.x\.mgmtdev/);
  });
});
