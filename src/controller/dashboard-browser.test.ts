import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostDetailView, InstanceView } from '../api/answers.js';
import { datapathReportEntrySchema } from '../api/schemas/datapath.js';
import {
  launchBrowser,
  requireBuiltDashboard,
  screenshot,
  seriousA11yViolations,
} from '../testing/browser.js';
import { sampleDatapathReport } from '../testing/datapath-sample.js';
import { igbHost, startTestController, until, type TestController } from '../testing/e2e-kit.js';

/**
 * The dashboard as an operator meets it: the built app (dist/web) served by
 * a real controller on loopback, agents on fixture hosts, Debian's chromium.
 * Every expectation compares the page with what the API answers, so a page
 * showing stale, wrong or another tenant's data fails here.
 */

const ACME_MAC = 'fa:16:3e:0a:0b:0c';
const GLOBEX_MAC = 'fa:16:3e:1a:1b:1c';

let ctl: TestController;
let browser: Browser;
/** What beforeAll started, stopped in reverse even when it failed halfway. */
const started: (() => Promise<void>)[] = [];
let adminToken: string;
let acmeToken: string;
let globexToken: string;
const contexts: BrowserContext[] = [];

const detail = async (host: string): Promise<HostDetailView> => {
  const r = await ctl.api.call('GET', `/v1/hosts/${host}`, ctl.api.admin);
  expect(r.status).toBe(200);
  return r.body as unknown as HostDetailView;
};

const must = async (path: string, body: unknown, token = ctl.api.admin) => {
  const r = await ctl.api.call('POST', path, token, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as unknown as InstanceView;
};

/** A fresh browser profile signed in through the sign-in form, as a person would. */
async function signedIn(token: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(ctl.url);
  await page.getByLabel('API token').fill(token);
  await page.getByTestId('sign-in-form').getByRole('button').click();
  await page.getByTestId('who').waitFor();
  expect(problems).toEqual([]);
  // The token went into a cookie, never into the address.
  expect(page.url()).not.toContain(token);
  return page;
}

async function accessible(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await seriousA11yViolations(page), `axe on ${name}`).toEqual([]);
}

beforeAll(async () => {
  const webRoot = await requireBuiltDashboard();
  ctl = await startTestController('pglite', { webRoot });
  started.push(() => ctl.close());
  for (const [name, pf, numa] of [
    ['hv-a', '0000:3b:00.0', 0],
    ['hv-b', '0000:5e:00.0', 1],
  ] as const)
    await ctl.startAgent(name, await igbHost(name, pf, numa), { labels: { rack: name } });
  for (const name of ['hv-a', 'hv-b'])
    await until(`${name} to report its PF`, async () => {
      const r = await ctl.api.call('GET', `/v1/hosts/${name}`, ctl.api.admin);
      return r.status === 200 && (r.body.pfs as unknown[]).length === 1;
    });
  await must('/v1/physnets', { name: 'p1', vlanRanges: [{ min: 100, max: 199 }] });
  await must('/v1/specs', { name: 'igb', driver: 'igb', physnet: 'p1', numVfs: 4 });
  await must('/v1/networks', { name: 'blue', physnet: 'p1', tenant: 'acme', vlan: 120 });
  await must('/v1/networks', { name: 'red', physnet: 'p1', tenant: 'globex', vlan: 130 });
  for (const name of ['hv-a', 'hv-b'])
    await until(`${name} to apply the spec`, async () => {
      const d = await detail(name);
      return d.ready && d.pfs[0]?.vfs.length === 4;
    });
  adminToken = ctl.api.admin;
  acmeToken = await ctl.api.token('tenant', { tenant: 'acme' });
  globexToken = await ctl.api.token('tenant', { tenant: 'globex' });
  await must(
    '/v1/instances',
    {
      name: 'web1',
      vcpus: 1,
      memoryMb: 512,
      hostLabels: { rack: 'hv-b' },
      ports: [{ network: 'blue', mac: ACME_MAC }],
    },
    acmeToken,
  );
  await must(
    '/v1/instances',
    {
      name: 'db1',
      vcpus: 1,
      memoryMb: 512,
      hostLabels: { rack: 'hv-a' },
      ports: [{ network: 'red', mac: GLOBEX_MAC }],
    },
    globexToken,
  );
  // hv-a has a datapath report (as `vfleet bench datapath` uploads it); hv-b none.
  await must('/v1/hosts/hv-a/datapath-reports', sampleDatapathReport('hv-a'));
  browser = await launchBrowser();
  started.push(() => browser.close());
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  for (const stop of started.reverse()) await stop();
});

describe('the dashboard in a real browser', () => {
  it('signs in with the admin token and lists the fleet with its counts', async () => {
    const page = await signedIn(adminToken);
    const rows = page.getByTestId('host-row');
    await until('both hosts listed', async () => (await rows.count()) === 2);
    for (const name of ['hv-a', 'hv-b']) {
      const row = page.locator(`[data-testid=host-row][data-host=${name}]`);
      await expect.poll(() => row.textContent()).toContain('4');
      expect(await row.textContent()).toContain(`rack=${name}`);
    }
    await page.getByTestId('capacity-physnet').first().waitFor();
    const capacity = (await page.getByTestId('capacity').textContent()) ?? '';
    expect(capacity).toContain('p1');
    await accessible(page, 'fleet');
  });

  it("shows a host's VF grid exactly as GET /v1/hosts/{id} gives it", async () => {
    const page = await signedIn(adminToken);
    await page.goto(`${ctl.url}/hosts/hv-b`);
    const cells = page.getByTestId('vf-cell');
    const api = await detail('hv-b');
    const vfs = api.pfs.flatMap((p) => p.vfs);
    await until('the grid', async () => (await cells.count()) === vfs.length);
    for (const vf of vfs) {
      const cell = page.locator(`[data-testid=vf-cell][data-pci="${vf.pciAddress}"]`);
      expect(await cell.getAttribute('data-state')).toBe(vf.state);
    }
    // The held VF opens its whole story: MAC, VLAN, instance, tenant.
    const held = vfs.find((v) => v.instance === 'web1');
    expect(held?.mac).toBe(ACME_MAC);
    await page.locator(`[data-testid=vf-cell][data-pci="${held?.pciAddress ?? '?'}"]`).click();
    const card = (await page.getByTestId('vf-details').textContent()) ?? '';
    for (const text of [ACME_MAC, 'web1', 'acme', 'blue', '120', held?.pciAddress ?? '?'])
      expect(card).toContain(text);
    // What the host reports of the VF and the PF (the fixture binds it to vfio-pci, in an
    // IOMMU group), and the port's own settings (spoof check on, no rate), row by row.
    const row = (name: string) =>
      page
        .getByTestId('vf-details')
        .locator('div', { has: page.locator('dt', { hasText: new RegExp(`^${name}$`) }) })
        .locator('dd')
        .textContent();
    expect(held?.driver).toBe('vfio-pci');
    expect(typeof held?.iommuGroup).toBe('number');
    expect(await row('Driver')).toBe(held?.driver);
    expect(await row('IOMMU group')).toBe(String(held?.iommuGroup));
    expect(held).toMatchObject({ spoofchk: true, maxTxRate: 0, minTxRate: 0 });
    expect(await row('Spoof check')).toBe('yes');
    expect(await row('Max TX rate')).toBe('none');
    expect(api.pfs[0]?.link).toEqual({ state: 'up', adminUp: true, speedMbps: 1000 });
    expect(await page.getByTestId('pf-link').textContent()).toBe('up · 1000 Mb/s');
    await accessible(page, 'host');
    await page.goto(`${ctl.url}/hosts/hv-b/topology`);
    await page.getByTestId('topology').waitFor();
    expect(await page.getByTestId('topology').textContent()).toContain('web1');
    await accessible(page, 'topology');
  });

  it("shows a host's latest datapath report: caveat, facts, figures and charts", async () => {
    const page = await signedIn(adminToken);
    await page.goto(`${ctl.url}/hosts/hv-a`);
    const r = await ctl.api.call('GET', '/v1/hosts/hv-a/datapath-reports/latest', adminToken);
    expect(r.status).toBe(200);
    const { report } = datapathReportEntrySchema.parse(r.body);
    const rows = page.getByTestId('datapath-row');
    const points = report.paths.reduce((n, p) => n + p.points.length, 0);
    await until('the datapath table', async () => (await rows.count()) === points);
    expect(await page.getByTestId('datapath-caveat').textContent()).toContain(report.caveat);
    const facts = (await page.getByTestId('datapath-facts').textContent()) ?? '';
    for (const text of [report.kernel, report.nic, report.driver, report.generator])
      expect(facts).toContain(text);
    expect(await page.getByTestId('datapath-skipped').textContent()).toContain(
      report.paths.find((p) => p.skipped !== null)?.skipped,
    );
    // Each chart is an image the browser decoded (a broken SVG has no natural size).
    const charts = page.getByTestId('datapath-chart').locator('img');
    expect(await charts.count()).toBe(3);
    const decoded = `[...document.querySelectorAll('[data-testid=datapath-chart] img')]
      .map((i) => i.complete && i.naturalWidth > 0)`;
    await expect.poll(() => page.evaluate(decoded)).toEqual([true, true, true]);
    for (const img of await charts.all())
      expect(await img.getAttribute('alt')).toMatch(
        /by frame size, one line per path \(vf, macvtap\)/,
      );
    await accessible(page, 'host-datapath');
    // A host without a report says how to make one.
    await page.goto(`${ctl.url}/hosts/hv-b`);
    await page.getByTestId('datapath-none').waitFor();
    expect(await page.getByTestId('datapath-none').textContent()).toContain(
      'vfleet bench datapath',
    );
  });

  it('finds the whole chain by MAC and by PCI address', async () => {
    const page = await signedIn(adminToken);
    const held = (await detail('hv-b')).pfs[0]?.vfs.find((v) => v.instance === 'web1');
    const pci = held?.pciAddress ?? '?';
    for (const q of [ACME_MAC.toUpperCase().replaceAll(':', '-'), pci.slice(5)]) {
      await page.keyboard.press('Escape');
      await page.locator('body').press('/');
      await page.getByTestId('search-input').fill(q);
      await page.getByTestId('search-input').press('Enter');
      const result = page.getByTestId('search-result').first();
      await result.waitFor();
      const chain = (await result.textContent()) ?? '';
      for (const text of ['hv-b', '0000:5e:00.0', pci, 'web1', 'blue', 'acme'])
        expect(chain, `search ${q}`).toContain(text);
    }
    await accessible(page, 'search');
  });

  it('shows an instance created through the API without a reload, and deleting it on the page releases its VF', async () => {
    const page = await signedIn(adminToken);
    await page.goto(`${ctl.url}/instances`);
    await page.locator('[data-testid=instance-row][data-instance=web1]').waitFor();
    await page.getByTestId('live-state').filter({ hasText: /live/i }).waitFor();
    const created = await must(
      '/v1/instances',
      {
        name: 'web2',
        vcpus: 1,
        memoryMb: 512,
        hostLabels: { rack: 'hv-a' },
        ports: [{ network: 'blue' }],
      },
      acmeToken,
    );
    // No reload: the page's one event stream brings it.
    await page
      .locator('[data-testid=instance-row][data-instance=web2]')
      .waitFor({ timeout: 5_000 });
    const vf = created.ports[0]?.pciAddress ?? '?';

    await page
      .locator('[data-testid=instance-row][data-instance=web2]')
      .getByRole('link')
      .first()
      .click();
    await page.getByTestId('instance-ports').waitFor();
    expect(await page.getByTestId('instance-ports').textContent()).toContain(vf);
    await accessible(page, 'instance');
    await page.getByRole('button', { name: 'Delete web2' }).click();
    await page.getByRole('button', { name: 'Yes, delete web2' }).click();
    await until('the VF released', async () => {
      const v = (await detail('hv-a')).pfs[0]?.vfs.find((x) => x.pciAddress === vf);
      return v?.portId === null;
    });
    const r = await ctl.api.call('GET', `/v1/instances/${created.id}`, ctl.api.admin);
    expect(r.status).toBe(404);
  });

  it('shows a tenant only its own objects and no admin action', async () => {
    const page = await signedIn(globexToken);
    const nav = (await page.getByRole('navigation', { name: 'Main' }).textContent()) ?? '';
    expect(nav).not.toMatch(/fleet/i);
    await page.locator('[data-testid=instance-row][data-instance=db1]').waitFor();
    const listed = (await page.getByTestId('instance-table').textContent()) ?? '';
    expect(listed).not.toContain('web1');
    // A host page is an admin page: no grid, whatever the address says.
    await page.goto(`${ctl.url}/hosts/hv-b`);
    await page.getByTestId('who').waitFor();
    expect(await page.getByTestId('vf-cell').count()).toBe(0);
    expect((await page.locator('main').textContent()) ?? '').not.toContain(ACME_MAC);
    // Search: its own MAC gives its chain, the other tenant's nothing.
    await page.goto(`${ctl.url}/search?q=${encodeURIComponent(GLOBEX_MAC)}`);
    await page.getByTestId('search-result').first().waitFor();
    await page.goto(`${ctl.url}/search?q=${encodeURIComponent(ACME_MAC)}`);
    await page.getByTestId('who').waitFor();
    await until('the search answered', async () =>
      /no match|nothing/i.test((await page.locator('main').textContent()) ?? ''),
    );
    expect(await page.getByTestId('search-result').count()).toBe(0);
    await page.goto(`${ctl.url}/networks`);
    await page.getByTestId('network-row').first().waitFor();
    const networks = (await page.locator('main').textContent()) ?? '';
    expect(networks).toContain('red');
    expect(networks).not.toContain('blue');
    await accessible(page, 'tenant-networks');
    // The API behind the page agrees: the session is the tenant's.
    const r = await page.request.get(`${ctl.url}/v1/hosts`);
    expect(r.status()).toBe(403);
  });
});

describe('page actions and the network picture in a real browser', () => {
  const items = async (path: string, token: string) => {
    const r = await ctl.api.call('GET', path, token);
    expect(r.status).toBe(200);
    return r.body.items as Record<string, unknown>[];
  };
  const networkId = async (name: string) => {
    const n = (await items('/v1/networks?limit=1000', adminToken)).find((x) => x.name === name);
    expect(n, name).toBeDefined();
    return String(n?.id);
  };

  it('labels a host through the label editor, as GET /v1/hosts/{id} then shows', async () => {
    const page = await signedIn(adminToken);
    await page.goto(`${ctl.url}/hosts/hv-a`);
    const field = page.getByLabel('One key=value per line');
    await expect.poll(() => field.inputValue()).toBe('rack=hv-a');
    await field.fill('rack=hv-a\nzone=z1');
    await page.getByRole('button', { name: 'Save labels' }).click();
    await page.getByRole('status').filter({ hasText: 'saved' }).waitFor();
    expect((await detail('hv-a')).labels).toEqual({ rack: 'hv-a', zone: 'z1' });
    // The fleet list shows the host's labels as the API now has them.
    await page.goto(ctl.url);
    const row = page.locator('[data-testid=host-row][data-host=hv-a]');
    await expect.poll(() => row.textContent()).toContain('zone=z1');
  });

  it("creates a tenant's instance through the form, showing the API's refusal at its field first", async () => {
    const page = await signedIn(acmeToken);
    const blue = await networkId('blue');
    await page.goto(`${ctl.url}/instances/new`);
    await page.locator(`#port-0-network option[value="${blue}"]`).waitFor({ state: 'attached' });
    await page.getByLabel('Name').fill('web3');
    await page.getByLabel('vCPUs').fill('1');
    await page.getByLabel('Memory (MB)').fill('0');
    await page.getByLabel('Port 1 network').selectOption(blue);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    // What the API says to the same request, shown beside the field it names.
    const refused = await ctl.api.call('POST', '/v1/instances', acmeToken, {
      name: 'web3',
      vcpus: 1,
      memoryMb: 0,
      ports: [{ network: blue, vnicType: 'direct' }],
    });
    expect(refused.status).toBe(400);
    const details = refused.body.details as { field?: string };
    const field = (details.field ?? '?').replace(/^body\./, '');
    expect(field).toBe('memoryMb');
    const shown = page.locator('#f-memoryMb-error');
    await shown.waitFor();
    expect(await shown.textContent()).toBe(refused.body.message);
    expect(await page.getByLabel('Memory (MB)').getAttribute('aria-invalid')).toBe('true');
    await accessible(page, 'new-instance');

    await page.getByLabel('Memory (MB)').fill('512');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(/\/instances\/(?!new)[^/]+$/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '?');
    const r = await ctl.api.call('GET', `/v1/instances/${id}`, acmeToken);
    expect(r.status).toBe(200);
    const created = r.body as unknown as InstanceView;
    expect([created.name, created.tenant, created.memoryMb]).toEqual(['web3', 'acme', 512]);
    expect(created.ports).toHaveLength(1);
    const port = created.ports[0];
    expect([port?.networkId, port?.vlan]).toEqual([blue, 120]);
    // The VF the port holds is on the host the API names, held by that port on blue.
    const vf = (await detail(port?.host ?? '?')).pfs
      .flatMap((p) => p.vfs)
      .find((v) => v.pciAddress === port?.pciAddress);
    expect([vf?.portId, vf?.network, vf?.instance]).toEqual([port?.id, 'blue', 'web3']);
    await page.getByTestId('instance-ports').waitFor();
    expect(await page.getByTestId('instance-ports').textContent()).toContain(port?.pciAddress);
  });

  it("draws a network's topology as GET /v1/ports?network= gives it, for its tenant and an admin", async () => {
    const blue = await networkId('blue');
    const ports = await items(`/v1/ports?network=${blue}&limit=1000`, adminToken);
    const placed = ports.filter((p) => p.pciAddress !== null);
    expect(placed.map((p) => p.instance)).toContain('web1');
    for (const token of [acmeToken, adminToken]) {
      const page = await signedIn(token);
      await page.goto(`${ctl.url}/networks/${blue}`);
      await page.getByRole('link', { name: 'Topology' }).click();
      await page.getByTestId('topology').waitFor();
      const vfs = page.getByTestId('topology-vf');
      await until('every port drawn', async () => (await vfs.count()) === placed.length);
      for (const p of placed) {
        const cell = page.locator(`[data-testid=topology-vf][data-pci="${String(p.pciAddress)}"]`);
        expect(await cell.count(), String(p.id)).toBe(1);
      }
      const hosts = await page.getByTestId('topology-host').allTextContents();
      expect(hosts.sort()).toEqual(
        [...new Set(placed.map((p) => `Host ${String(p.host)}`))].sort(),
      );
      const drawn = await page.getByTestId('topology-instance').allTextContents();
      expect(new Set(drawn)).toEqual(new Set(placed.map((p) => p.instance)));
      if (token === acmeToken) await accessible(page, 'network-topology');
    }
  });

  it('shows the instances list and the admin networks page as the API lists them', async () => {
    const tenantPage = await signedIn(acmeToken);
    await tenantPage.goto(`${ctl.url}/instances`);
    const listed = (await items('/v1/instances?limit=1000', acmeToken)).map((i) => i.name);
    const rows = tenantPage.getByTestId('instance-row');
    await until('the instances listed', async () => (await rows.count()) === listed.length);
    for (const name of listed) {
      const row = tenantPage.locator(`[data-testid=instance-row][data-instance="${String(name)}"]`);
      expect(await row.count(), String(name)).toBe(1);
    }
    await accessible(tenantPage, 'instances');

    const page = await signedIn(adminToken);
    await page.goto(`${ctl.url}/networks`);
    const networks = await items('/v1/networks?limit=1000', adminToken);
    const netRows = page.getByTestId('network-row');
    await until('the networks listed', async () => (await netRows.count()) === networks.length);
    const text = (await page.locator('main').textContent()) ?? '';
    for (const n of networks) expect(text).toContain(String(n.name));
    expect(await page.getByTestId('physnet-table').textContent()).toContain('p1');
    await accessible(page, 'networks');
  });
});
