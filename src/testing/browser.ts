import { access, mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * The real browser of the dashboard tests and bench: Debian's `chromium`
 * (scripts/setup installs it) driven by playwright-core, headless. Found on
 * PATH like a user's shell would, so no machine path is written here.
 */

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the browser tests write their screenshots (git-ignored). */
export const SCREENSHOT_DIR = join(repo, 'test-results', 'dashboard');

/** The built dashboard (`npm run build`); the tests serve this, not a stand-in. */
export const BUILT_WEB_ROOT = join(repo, 'dist', 'web');

async function onPath(name: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      await access(candidate);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

export async function launchBrowser(): Promise<Browser> {
  const path = (await onPath('chromium')) ?? (await onPath('chromium-browser'));
  if (path === null)
    throw new Error('chromium is not installed: run scripts/setup (Debian package chromium)');
  // Chromium refuses its sandbox to root, which is how CI runs.
  const root = process.getuid?.() === 0;
  return chromium.launch({ executablePath: path, args: root ? ['--no-sandbox'] : [] });
}

/** Fails early, naming the fix, when the dashboard was not built. */
export async function requireBuiltDashboard(): Promise<string> {
  try {
    await access(join(BUILT_WEB_ROOT, 'index.html'));
  } catch {
    throw new Error(`the dashboard is not built (${BUILT_WEB_ROOT}): run npm run build first`);
  }
  return BUILT_WEB_ROOT;
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

let axeSource: string | null = null;

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(
    createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
    'utf8',
  );
  // A script tag would be refused by the dashboard's Content-Security-Policy; evaluate is not.
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    interface AxeResult {
      violations: {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: unknown[] }[];
      }[];
    }
    const axe = (globalThis as unknown as { axe: { run(): Promise<AxeResult> } }).axe;
    const r = await axe.run();
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.map(String).join(' ')),
    }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
