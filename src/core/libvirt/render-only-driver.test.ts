import { describe, expect, it } from 'vitest';
import { renderDeviceXml, renderDomainXml } from './render-domain.js';
import { renderHostdevNetworkXml } from './render-network.js';
import { createRenderOnlyDriver } from './render-only-driver.js';
import { exampleInstance } from './domain-request-examples.js';

const w = exampleInstance({ name: 'vm & co' });
const xml = renderDomainXml(w).xml;

describe('render-only driver', () => {
  it('keeps what was defined, under the name inside the XML', async () => {
    const d = createRenderOnlyDriver();
    await d.define(xml);
    expect(d.domains().get('vm & co')).toEqual({ xml, state: 'shut-off', attached: [] });
    expect(await d.domainState('vm & co')).toBe('shut-off');
    expect(await d.domainState('other')).toBeNull();
  });

  it('makes the state transitions libvirt makes, with its refusals', async () => {
    const d = createRenderOnlyDriver();
    await expect(d.start(w.name)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await d.define(xml);
    await expect(d.destroy(w.name)).rejects.toMatchObject({ code: 'CONFLICT' });
    await d.start(w.name);
    await expect(d.start(w.name)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await d.domainState(w.name)).toBe('running');
    await d.destroy(w.name);
    await d.undefine(w.name);
    expect(d.domains().size).toBe(0);
  });

  it('records config device changes; live ones need a running domain', async () => {
    const d = createRenderOnlyDriver();
    await d.define(xml);
    const dev = renderDeviceXml(w, 'p-direct');
    await expect(d.attachDevice(w.name, dev, { live: true, config: true })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await d.attachDevice(w.name, dev, { live: false, config: true });
    expect(d.domains().get(w.name)?.attached).toEqual([dev]);
    await d.detachDevice(w.name, dev, { live: false, config: true });
    expect(d.domains().get(w.name)?.attached).toEqual([]);
    await expect(d.detachDevice(w.name, dev, { live: false, config: true })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('refuses documents that are no domain, and cannot migrate', async () => {
    const d = createRenderOnlyDriver();
    await expect(d.define('<network><name>x</name></network>')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(d.define('<domain>')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(d.migrate(w.name, 'qemu+ssh://b/system')).rejects.toMatchObject({
      code: 'UNSUPPORTED',
    });
  });

  it('defines and starts networks', async () => {
    const d = createRenderOnlyDriver();
    const net = renderHostdevNetworkXml({ name: 'pool', pfIfname: 'ens1f0' });
    await expect(d.startNetwork('pool')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await d.defineNetwork(net);
    await d.startNetwork('pool');
    await expect(d.startNetwork('pool')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(d.networks().get('pool')).toEqual({ xml: net, active: true });
  });
});
