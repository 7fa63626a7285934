import type { Page } from 'playwright-core';
import { openStore } from '../adapters/store/open-store.js';
import { launchBrowser, requireBuiltDashboard } from '../testing/browser.js';
import { pgliteTemplate } from '../testing/pglite-template.js';
import { onController, type Fleet } from './claim-bench.js';
import { round, summarize } from './stats.js';

/**
 * The dashboard in Debian's chromium against a controller serving 1,000
 * hosts of 4 PFs x 128 VFs (PGlite): time from navigation to the first
 * meaningful render of the fleet page (its first page of host rows) and of
 * a host page (all 512 VF cells), read from the page's own clock
 * (performance.now() counts from navigation start); and the search answer,
 * from Enter to the first chain shown. The first visit of each page is
 * reported apart (cold: nothing cached yet).
 */
const FLEET: Fleet = { hosts: 1000, pfsPerHost: 4, vfsPerPf: 128, cpusPerNode: 32 };
const HELD = 20;
const RUNS = 7;
/** One page of the fleet table (FLEET_PAGE_SIZE in src/web/pages/fleet/filters.ts, a browser file). */
const FLEET_ROWS = 50;

const mac = (n: number) =>
  `fa:16:3e:00:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`;

/**
 * The page's DOM, as far as the callbacks below use it: they run in the
 * browser, and this Node project does not load the DOM types (a string
 * predicate instead would be refused by the dashboard's CSP, no eval).
 */
interface PageWindow {
  readonly document: {
    querySelectorAll(
      selector: string,
    ): ArrayLike<{ remove(): void }> & Iterable<{ remove(): void }>;
  };
}

interface Held {
  readonly mac: string;
  readonly pci: string;
}

async function holdSome(url: string, token: string): Promise<Held[]> {
  const held: Held[] = [];
  for (let n = 0; n < HELD; n++) {
    const r = await fetch(`${url}/v1/instances`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `web${n}`,
        vcpus: 1,
        memoryMb: 256,
        tenant: 'bench',
        ports: [{ network: 'blue', mac: mac(n) }],
      }),
    });
    const body = (await r.json()) as { ports?: { pciAddress?: string | null }[] };
    const pci = body.ports?.[0]?.pciAddress;
    if (r.status !== 201 || typeof pci !== 'string')
      throw new Error(`bench instance web${n}: HTTP ${r.status} ${JSON.stringify(body)}`);
    held.push({ mac: mac(n), pci });
  }
  return held;
}

/** ms from navigation start until `selector` matches at least `count` elements. */
async function renderMs(page: Page, path: string, selector: string, count: number) {
  await page.goto(path);
  await page.waitForFunction(
    ([s, n]) => (globalThis as unknown as PageWindow).document.querySelectorAll(s).length >= n,
    [selector, count] as const,
    { polling: 'raf', timeout: 30_000 },
  );
  return page.evaluate(() => performance.now());
}

/** From Enter to the first chain matched `as` that shows `expect` (an earlier answer never counts). */
async function searchMs(page: Page, query: string, as: 'mac' | 'pci', expect: string) {
  const input = page.getByTestId('search-input');
  await input.fill(query);
  const t0 = performance.now();
  await input.press('Enter');
  await page
    .locator(`[data-testid=search-result][data-match=${as}]`)
    .filter({ hasText: expect })
    .first()
    .waitFor({ timeout: 30_000 });
  return performance.now() - t0;
}

const cold = (samples: number[]) => ({
  coldMs: round(samples[0] ?? 0),
  warm: summarize(samples.slice(1)),
});

async function measure(url: string, token: string) {
  const held = await holdSome(url, token);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const apiBytes: number[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.startsWith('/v1/hosts'))
        void r.body().then(
          (b) => apiBytes.push(b.length),
          () => undefined,
        );
    });
    await page.goto(url);
    await page.getByLabel('API token').fill(token);
    await page.getByTestId('sign-in-form').getByRole('button').click();
    await page.getByTestId('who').waitFor();

    const fleet: number[] = [];
    for (let i = 0; i < RUNS; i++)
      fleet.push(await renderMs(page, `${url}/`, '[data-testid=host-row]', FLEET_ROWS));
    const hostListBytes = Math.max(...apiBytes);
    const host: number[] = [];
    for (let i = 0; i < RUNS; i++)
      host.push(await renderMs(page, `${url}/hosts/host00000`, '[data-testid=vf-cell]', 512));
    const byMac: number[] = [];
    const byPci: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const h = held[i % held.length];
      if (h === undefined) throw new Error('no held VF to search');
      byMac.push(await searchMs(page, h.mac.toUpperCase(), 'mac', h.mac));
      byPci.push(await searchMs(page, h.pci, 'pci', h.pci));
    }
    return {
      fleetPage: {
        ...cold(fleet),
        hostRows: FLEET_ROWS,
        largestHostListAnswerBytes: hostListBytes,
      },
      hostPage: { ...cold(host), vfCells: 512 },
      searchByMac: summarize(byMac),
      searchByPci: summarize(byPci),
      targets:
        'first meaningful render <= 1000 ms (fleet of 1,000 hosts, host of 4 PFs x 128 VFs); search answer <= 200 ms',
    };
  } finally {
    await browser.close();
  }
}

export async function dashboardBench() {
  const webRoot = await requireBuiltDashboard();
  const store = await openStore({ kind: 'pglite', template: await pgliteTemplate() });
  try {
    return {
      fleet: `${FLEET.hosts.toLocaleString('en')} hosts x ${FLEET.pfsPerHost} PFs x ${FLEET.vfsPerPf} VFs on PGlite, ${HELD} VFs held`,
      browser: 'Debian chromium, headless, playwright-core',
      ...(await onController(store, FLEET, measure, { webRoot })),
    };
  } finally {
    await store.close();
  }
}
