import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIST_CASES, PAGE_TARGET_MS, judge } from './list-cases.js';

interface RouteLike {
  method?: unknown;
  path?: unknown;
  request?: { query?: { shape?: Record<string, unknown> } };
  responses?: Record<number, { content?: Record<string, { schema?: { shape?: object } }> }>;
}

/** Every route definition of src/api/routes, as the controller registers them. */
async function apiRoutes(): Promise<RouteLike[]> {
  const dir = new URL('../api/routes/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const out: RouteLike[] = [];
  for (const f of files) {
    const mod = (await import(new URL(f, dir).href)) as Record<string, Record<string, RouteLike>>;
    for (const group of Object.values(mod)) out.push(...Object.values(group));
  }
  return out;
}

const isPage = (r: RouteLike) => {
  const shape = r.responses?.[200]?.content?.['application/json']?.schema?.shape;
  return shape !== undefined && 'items' in shape && 'nextCursor' in shape;
};

/** The bench's path of `route` (its params filled in), without the query. */
const benchPaths = (route: string) =>
  LIST_CASES.filter((c) => {
    const path = c.path({}).split('?')[0] ?? '';
    return new RegExp(`^${route.replace(/\{\w+\}/g, '[^/]+')}$`).test(path);
  });

describe('list bench cases', () => {
  it('cover every paged GET route of /v1, and each filter it takes', async () => {
    const pages = (await apiRoutes()).filter((r) => r.method === 'get' && isPage(r));
    expect(pages.length).toBeGreaterThanOrEqual(11);
    for (const r of pages) {
      const path = String(r.path);
      const cases = benchPaths(path);
      expect(cases.length, `${path} has no bench case`).toBeGreaterThan(0);
      const filters = Object.keys(r.request?.query?.shape ?? {}).filter(
        // Paging itself, and the events' long poll (waits by design) and tail.
        (k) => !['limit', 'cursor', 'wait', 'last', 'since', 'until'].includes(k),
      );
      for (const k of filters) {
        const used = cases.some((c) => new URLSearchParams(c.path({}).split('?')[1]).has(k));
        expect(used, `${path}: filter ${k} is not benched`).toBe(true);
      }
    }
  });

  it('names each case once', () => {
    const names = LIST_CASES.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('fill ids into the path, encoded', () => {
    const c = LIST_CASES.find((x) => x.name === 'auditMac');
    expect(c?.path({ mac: '52:54:00:00:00:01' })).toBe(
      '/v1/audit?limit=100&mac=52%3A54%3A00%3A00%3A00%3A01',
    );
  });
});

describe('judge', () => {
  it('takes the median and nearest-rank p99, and passes within the target', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(judge(samples)).toEqual({ medianMs: 50, p99Ms: 99, pass: false });
    expect(judge([3, 1, 2])).toEqual({ medianMs: 2, p99Ms: 3, pass: true });
    expect(judge([PAGE_TARGET_MS]).pass).toBe(true);
    expect(judge([PAGE_TARGET_MS + 0.01]).pass).toBe(false);
  });

  it('refuses an empty sample', () => {
    expect(() => judge([])).toThrow('no samples');
  });
});
