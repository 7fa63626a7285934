import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * The layering lint (eslint.config.js, rule vfleet/layers) run through
 * ESLint's API on small sources placed at virtual paths. Type-aware rules
 * are off: the fixtures are not files of the TypeScript project, and the
 * layering rules do not need types.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const UNTYPED = tseslint.configs.disableTypeChecked as Linter.Config;
const eslint = new ESLint({ cwd: ROOT, overrideConfig: [UNTYPED] });

/** Rules that enforce layering, in this config or an older one. */
const LAYER_RULES = new Set([
  'vfleet/layers',
  'no-restricted-imports',
  'no-restricted-properties',
  'no-restricted-syntax',
  'no-restricted-globals',
]);

async function lint(file: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${file}` });
  return result?.messages ?? [];
}

/** [what, virtual file, source]: each must get a layering error. */
const REFUSED: readonly (readonly [string, string, string])[] = [
  ['core importing pg', 'src/core/x.ts', "import pg from 'pg';\nexport const x = pg;\n"],
  [
    'core importing a type from pg',
    'src/core/x.ts',
    "import type { Pool } from 'pg';\nexport type X = Pool;\n",
  ],
  ['core re-exporting pg', 'src/core/x.ts', "export * from 'pg';\n"],
  [
    'core importing hono',
    'src/core/x.ts',
    "import { Hono } from 'hono';\nexport const x = Hono;\n",
  ],
  [
    'core importing bare crypto',
    'src/core/x.ts',
    "import { createHash } from 'crypto';\nexport const x = createHash;\n",
  ],
  [
    'core importing bare util',
    'src/core/x.ts',
    "import { inspect } from 'util';\nexport const x = inspect;\n",
  ],
  [
    'core importing node:fs',
    'src/core/x.ts',
    "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
  ],
  [
    'core importing a new folder',
    'src/core/x.ts',
    "import { charge } from '../payments/charge.js';\nexport const x = charge;\n",
  ],
  ['a file in a new folder', 'src/payments/charge.ts', 'export const charge = 1;\n'],
  ['a file in a new core folder', 'src/core/payments/charge.ts', 'export const charge = 1;\n'],
  [
    'core importing adapters',
    'src/core/x.ts',
    "import { x as y } from '../adapters/store/rows.js';\nexport const x = y;\n",
  ],
  [
    'core dynamic import()',
    'src/core/x.ts',
    "export const load = () => import('./vocabulary.js');\n",
  ],
  ['core require()', 'src/core/x.ts', "export const pg: unknown = require('pg');\n"],
  ['core reading process.env', 'src/core/x.ts', 'export const home = process.env.HOME;\n'],
  ['core reading process.argv', 'src/core/x.ts', 'export const args = process.argv;\n'],
  [
    'core reaching process through globalThis',
    'src/core/x.ts',
    "export const p: unknown = globalThis['process'];\n",
  ],
  ['core calling Date.now', 'src/core/x.ts', 'export const now = Date.now();\n'],
  [
    'core passing Date.now as a clock',
    'src/core/x.ts',
    'export const clock = { now: Date.now };\n',
  ],
  ['core calling new Date()', 'src/core/x.ts', 'export const now = new Date();\n'],
  ['core calling Math.random', 'src/core/x.ts', 'export const r = Math.random();\n'],
  ['core calling fetch', 'src/core/x.ts', "export const r = fetch('http://127.0.0.1');\n"],
  ['core calling crypto.randomUUID', 'src/core/x.ts', 'export const id = crypto.randomUUID();\n'],
  ['core calling performance.now', 'src/core/x.ts', 'export const t = performance.now();\n'],
  [
    'knowledge importing doctor',
    'src/core/knowledge/x.ts',
    "import { finding } from '../doctor/finding.js';\nexport const x = finding;\n",
  ],
  [
    'scheduler importing fleet',
    'src/core/scheduler/x.ts',
    "import type { Host } from '../fleet/model.js';\nexport type X = Host;\n",
  ],
  [
    'api importing node:fs',
    'src/api/x.ts',
    "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
  ],
  [
    'api importing the controller',
    'src/api/x.ts',
    "import { x as y } from '../controller/auth.js';\nexport const x = y;\n",
  ],
  [
    'controller importing adapters',
    'src/controller/x.ts',
    "import { x as y } from '../adapters/store/rows.js';\nexport const x = y;\n",
  ],
  [
    'controller importing pg',
    'src/controller/x.ts',
    "import pg from 'pg';\nexport const x = pg;\n",
  ],
  [
    'controller minting ids with node:crypto',
    'src/controller/x.ts',
    "import { randomUUID } from 'node:crypto';\nexport const id = randomUUID();\n",
  ],
  [
    'controller importing a computed name',
    'src/controller/x.ts',
    'export const load = (m: string) => import(m);\n',
  ],
  ['host calling Date.now', 'src/host/x.ts', 'export const now = Date.now();\n'],
  [
    'host apply defaulting to the real clock',
    'src/host/apply/apply-host-state.ts',
    'export const clock = { now: () => Date.now() };\n',
  ],
  [
    'the lab minting ids',
    'src/lab/lab-image.ts',
    "import { randomUUID } from 'node:crypto';\nexport const id = randomUUID();\n",
  ],
  [
    'cli importing child_process',
    'src/cli/x.ts',
    "import { execFile } from 'node:child_process';\nexport const x = execFile;\n",
  ],
  [
    'cli importing node:fs',
    'src/cli/x.ts',
    "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
  ],
  [
    'adapters importing child_process outside exec',
    'src/adapters/store/x.ts',
    "import { execFile } from 'node:child_process';\nexport const x = execFile;\n",
  ],
  [
    'agent importing the controller',
    'src/agent/x.ts',
    "import { x as y } from '../controller/auth.js';\nexport const x = y;\n",
  ],
];

/** [what, virtual file, source]: each must lint clean. */
const ACCEPTED: readonly (readonly [string, string, string])[] = [
  [
    'core importing zod',
    'src/core/x.ts',
    "import { z } from 'zod';\nexport const x = z.string();\n",
  ],
  [
    'core/plan importing yaml',
    'src/core/plan/x.ts',
    "import { parse } from 'yaml';\nexport const x = parse;\n",
  ],
  [
    'core/libvirt importing xmldom',
    'src/core/libvirt/x.ts',
    "import { DOMParser } from '@xmldom/xmldom';\nexport const x = DOMParser;\n",
  ],
  [
    'doctor importing knowledge',
    'src/core/doctor/x.ts',
    "import { matchKernelLog } from '../knowledge/knowledge-base.js';\nexport const x = matchKernelLog;\n",
  ],
  [
    'core dates from a value',
    'src/core/x.ts',
    "export const t = new Date(0).getTime() + Date.parse('2020-01-01');\n",
  ],
  [
    'a core test with vitest, fixtures and the clock',
    'src/core/x.test.ts',
    "import { it } from 'vitest';\nimport { labCaptureLines } from '../testing/doctor-input.js';\nit('runs', () => labCaptureLines(String(Date.now())));\n",
  ],
  [
    'api importing its contract packages',
    'src/api/x.ts',
    "import { z } from '@hono/zod-openapi';\nimport type { Hono } from 'hono';\nimport { VF_STATES } from '../core/vocabulary.js';\nexport type H = Hono;\nexport const x = z.enum(VF_STATES);\n",
  ],
  [
    'adapters/exec spawning with execFile',
    'src/adapters/exec/x.ts',
    "import { execFile } from 'node:child_process';\nexport const x = execFile;\n",
  ],
  [
    'adapters reading the clock',
    'src/adapters/store/x.ts',
    'export const now = (): Date => new Date(Date.now());\n',
  ],
  [
    'bin reading the environment',
    'src/bin/x.ts',
    "export const url = process.env.DATABASE_URL ?? '';\n",
  ],
  [
    'cli loading the lab lazily',
    'src/cli/x.ts',
    "export const load = () => import('../lab/lab.js');\n",
  ],
];

describe('layering lint', () => {
  it.each(REFUSED)('refuses %s', async (_what, file, code) => {
    const messages = await lint(file, code);
    expect(messages.filter((m) => m.ruleId !== null && LAYER_RULES.has(m.ruleId))).not.toEqual([]);
  });

  it.each(ACCEPTED)('accepts %s', async (_what, file, code) => {
    expect(await lint(file, code)).toEqual([]);
  });

  it('lists only real-world exceptions that exist and still need it', async () => {
    const config = z
      .object({
        rules: z.object({
          'vfleet/layers': z.tuple([
            z.unknown(),
            z.object({ realWorldExceptions: z.array(z.string()) }),
          ]),
        }),
      })
      .parse(await eslint.calculateConfigForFile(`${ROOT}src/core/vocabulary.ts`));
    const files = config.rules['vfleet/layers'][1].realWorldExceptions;
    expect(files.filter((f) => !existsSync(`${ROOT}${f}`))).toEqual([]);
    // Linted without the list, each listed file must show the use it is listed for.
    const strict = new ESLint({
      cwd: ROOT,
      overrideConfig: [
        UNTYPED,
        { files: ['src/**'], rules: { 'vfleet/layers': ['error', { realWorldExceptions: [] }] } },
      ],
    });
    // An empty list needs no look (lintFiles([]) would lint the whole tree).
    const results = files.length === 0 ? [] : await strict.lintFiles(files);
    const unused = results
      .filter((r) => !r.messages.some((m) => m.message.includes('is the real world')))
      .map((r) => r.filePath.slice(ROOT.length));
    expect(unused).toEqual([]);
  });
});
