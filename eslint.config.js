// @ts-check
import { builtinModules } from 'node:module';
import path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Layering as an allowlist (docs/CONTRIBUTING.md): each folder under src/
 * may import only what its entry lists; a folder without an entry may import
 * nothing, so a new folder is refused until it is given rights here.
 *
 * Keys are top-level folders of src/, and every subfolder of src/core (core
 * is split so that, for example, knowledge never imports doctor); other
 * subfolders take their top-level folder's rights unless listed (as
 * adapters/exec is). An entry names:
 * - folders: `core` is src/core's own files, `core/*` all of src/core;
 * - packages by name (`hono` covers `hono/client`);
 * - Node builtins: `node:*` all but child_process, or one by one (`node:path`);
 *   child_process only where it is named (adapters/exec: execFile, argv array).
 * `pure` folders also may not use `process`, `require`, `Buffer`, globalThis
 * or dynamic `import()`; `realWorld` folders may use the real clock, random,
 * crypto randomness and `fetch` (everywhere else they come from deps).
 */
const CORE = ['core'];
const WEB_PACKAGES = ['react', 'react-dom', '@tanstack/react-query', 'wouter'];
const RIGHTS = {
  core: { pure: true, imports: [...CORE, 'zod'] },
  'core/doctor': { pure: true, imports: [...CORE, 'core/doctor', 'core/knowledge'] },
  'core/knowledge': { pure: true, imports: [...CORE, 'core/knowledge'] },
  'core/scheduler': { pure: true, imports: [...CORE, 'core/scheduler'] },
  'core/libvirt': { pure: true, imports: [...CORE, 'core/libvirt', '@xmldom/xmldom'] },
  'core/plan': { pure: true, imports: [...CORE, 'core/plan', 'yaml'] },
  // Config files for the systems next to vfleet (OpenStack, Kubernetes,
  // libvirt), rendered from one ExportFleet; pure text, written by the CLI.
  // libvirt pools reuse core/libvirt's hostdev network renderer.
  'core/exports': { pure: true, imports: [...CORE, 'core/exports', 'core/libvirt'] },
  // Datapath measurement (issue 18): the RFC 2544 search, its report and
  // charts, pure; the traffic itself is driven by adapters through core's ports.
  // core/libvirt: the forwarding VM's domain XML, through its one serializer.
  'core/datapath': { pure: true, imports: [...CORE, 'core/datapath', 'core/libvirt'] },
  // core/datapath: the datapath reports the controller keeps per host (their type only).
  'core/fleet': {
    pure: true,
    imports: [
      ...CORE,
      'core/fleet',
      'core/libvirt',
      'core/migration',
      'core/scheduler',
      'core/datapath',
      // yaml: the cloud-init seed handed to guests (core/fleet/guest-seed.ts).
      'yaml',
    ],
  },
  'core/migration': {
    pure: true,
    imports: [...CORE, 'core/migration', 'core/fleet', 'core/libvirt', 'core/scheduler'],
  },
  // The /v1 contract, shared by routes, CLI and agent.
  api: { pure: true, imports: ['api', 'core/*', 'zod', '@hono/zod-openapi', 'hono'] },
  // The dashboard: React pages over the same /v1 routes and schemas.
  web: {
    pure: true,
    imports: ['web', 'api', 'core/*', 'zod', 'hono', ...WEB_PACKAGES],
  },
  // The browser's composition root: the only web code that touches fetch,
  // EventSource and the page's clock; everything else gets them from it.
  'web/boot': { realWorld: true, imports: ['web', 'api', 'core/*', ...WEB_PACKAGES] },
  adapters: {
    realWorld: true,
    imports: [
      'adapters',
      'core/*',
      'node:*',
      'zod',
      'pg',
      'kysely',
      'kysely-pglite-dialect',
      '@electric-sql/pglite',
      // The structured log (adapters/log): JSON lines, readable in a terminal.
      'pino',
      'pino-pretty',
    ],
  },
  'adapters/exec': {
    realWorld: true,
    imports: ['adapters', 'core/*', 'node:*', 'node:child_process'],
  },
  host: { imports: ['host', 'adapters', 'core/*'] },
  // prom-client: the agent's and the controller's metrics (each on a registry its caller made).
  agent: { imports: ['agent', 'host', 'api', 'core/*', 'hono', 'zod', 'prom-client'] },
  controller: {
    imports: [
      'controller',
      'api',
      'core/*',
      'node:*',
      'hono',
      '@hono/zod-openapi',
      '@hono/node-server',
      'zod',
      'prom-client',
      // Batches the long polls' reads per turn of the event loop (desired-reads.ts).
      'dataloader',
    ],
  },
  cli: {
    imports: [
      'cli',
      'host',
      'lab',
      'api',
      'core/*',
      'node:path',
      'commander',
      'hono',
      'yaml',
      'zod',
    ],
  },
  lab: { imports: ['lab', 'adapters', 'core/*', 'node:*', 'zod'] },
  // The composition roots: the only place that reads the environment.
  bin: {
    realWorld: true,
    // prom-client: the agent's metrics registry, made here (one per process).
    // esbuild and lab: bundle-guest.ts, the build step that bundles the CLI for the lab guests.
    imports: [
      'bin',
      'cli',
      'agent',
      'controller',
      'adapters',
      'api',
      'lab',
      'core/*',
      'node:*',
      'prom-client',
      'esbuild',
    ],
  },
  testing: { realWorld: true, imports: ['*'] },
  bench: { realWorld: true, imports: ['*'] },
};
/** Every `*.test.ts(x)`: its own folder must have rights; it may import anything. */
const TEST_RIGHTS = { realWorld: true, imports: ['*'] };

/**
 * Non-root files allowed to use the real clock or randomness themselves,
 * each with its reason. None is left: every such file takes it from its deps
 * (clock, ids). A test (src/testing/layering-lint.test.ts) fails when a
 * listed file is gone or no longer needs its place, so the list only shrinks.
 */
const REAL_WORLD_EXCEPTIONS = [];

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));
const PURE_GLOBALS = new Set([
  'process',
  'require',
  'Buffer',
  'global',
  'globalThis',
  '__dirname',
  '__filename',
  'fetch',
  'crypto',
  'performance',
]);
const REAL_WORLD = {
  Date: ['now'],
  Math: ['random'],
  performance: ['now'],
  crypto: ['randomUUID', 'randomBytes', 'getRandomValues', 'randomInt'],
};
const NODE_RANDOM = new Set([
  'randomUUID',
  'randomBytes',
  'randomInt',
  'getRandomValues',
  'webcrypto',
]);

/** `src/core/doctor/x.ts` -> `core/doctor`; `src/cli/x.ts` -> `cli`; outside src -> null. */
function folderOf(file, src) {
  const parts = path.relative(src, file).split(path.sep);
  if (parts[0] === '..') return null;
  if (parts.length === 1) return '.';
  if (parts[0] === 'core' && parts.length > 2) return `core/${parts[1]}`;
  const sub = `${parts[0]}/${parts[1]}`;
  return parts.length > 2 && sub in RIGHTS ? sub : parts[0];
}

/**
 * What an import specifier names: a folder key of src/ (`core/doctor`, `cli`),
 * `node:<builtin>`, a package name, or null for a path outside src/.
 */
function targetOf(spec, file, src) {
  if (spec.startsWith('.')) {
    const to = folderOf(path.resolve(path.dirname(file), spec), src);
    if (to === null) return null;
    return { folder: to === 'core' || to.startsWith('core/') ? to : to.split('/')[0] };
  }
  const bare = spec.replace(/^node:/, '').split('/')[0];
  if (spec.startsWith('node:') || BUILTINS.has(bare)) return { name: `node:${bare}` };
  return {
    name: spec
      .split('/')
      .slice(0, spec.startsWith('@') ? 2 : 1)
      .join('/'),
  };
}

/** Whether `rights` let a file import `target`; `*` is every known folder, builtin and package. */
function allowed(rights, target) {
  const list = rights.imports;
  if (target === null) return false;
  if ('folder' in target) {
    if (!(target.folder in RIGHTS)) return false;
    const inCore = target.folder === 'core' || target.folder.startsWith('core/');
    return (
      list.includes('*') || list.includes(target.folder) || (inCore && list.includes('core/*'))
    );
  }
  if (list.includes('*') || list.includes(target.name)) return true;
  return (
    target.name.startsWith('node:') &&
    target.name !== 'node:child_process' &&
    list.includes('node:*')
  );
}

/** @type {import('eslint').Rule.RuleModule} */
const layers = {
  meta: {
    type: 'problem',
    schema: [
      {
        type: 'object',
        properties: { realWorldExceptions: { type: 'array', items: { type: 'string' } } },
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const src = path.join(context.cwd, 'src');
    const file = context.filename;
    const folder = folderOf(file, src);
    if (folder === null) return {};
    const known = folder in RIGHTS;
    const isTest = /\.test\.tsx?$/.test(file);
    const rights = isTest ? TEST_RIGHTS : RIGHTS[folder];
    const pure = !isTest && known && RIGHTS[folder].pure === true;
    const rel = path.relative(context.cwd, file).split(path.sep).join('/');
    const exceptions = context.options[0]?.realWorldExceptions ?? [];
    const realWorld = rights?.realWorld === true || exceptions.includes(rel);
    const where = `src/${folder}`;

    function checkSpec(node, spec) {
      if (!known) return;
      const target = targetOf(spec, file, src);
      if (!allowed(rights, target))
        context.report({
          node,
          message: `${where} may not import '${spec}': not in its RIGHTS (eslint.config.js)`,
        });
    }
    function checkSource(node) {
      if (node.source && typeof node.source.value === 'string')
        checkSpec(node.source, node.source.value);
    }
    const realWorldUse = (node, what) => {
      if (!realWorld)
        context.report({
          node,
          message: `${what} is the real world: take it from deps (clock, ids); only composition roots, adapters, testing, bench and tests use it`,
        });
    };

    return {
      Program(node) {
        if (!known)
          context.report({
            node,
            message: `${where} has no rights: add it to RIGHTS in eslint.config.js (a new folder imports nothing until given)`,
          });
      },
      ImportDeclaration(node) {
        checkSource(node);
        const spec = node.source.value;
        if (typeof spec === 'string' && /^(node:)?crypto$/.test(spec))
          for (const s of node.specifiers)
            if (
              s.type === 'ImportSpecifier' &&
              s.imported.type === 'Identifier' &&
              NODE_RANDOM.has(s.imported.name)
            )
              realWorldUse(s, `${s.imported.name} from ${spec}`);
      },
      ExportNamedDeclaration: checkSource,
      ExportAllDeclaration: checkSource,
      TSImportEqualsDeclaration(node) {
        if (node.moduleReference.type === 'TSExternalModuleReference')
          checkSpec(node, String(node.moduleReference.expression.value));
      },
      ImportExpression(node) {
        if (pure) context.report({ node, message: `${where} is pure: no dynamic import()` });
        else if (node.source.type === 'Literal' && typeof node.source.value === 'string')
          checkSpec(node, node.source.value);
        else if (!isTest)
          context.report({
            node,
            message: 'dynamic import() of a computed name cannot be checked against RIGHTS',
          });
      },
      NewExpression(node) {
        if (
          node.callee.type === 'Identifier' &&
          node.callee.name === 'Date' &&
          node.arguments.length === 0
        )
          realWorldUse(node, 'new Date() without arguments');
      },
      'Program:exit'(node) {
        const global = context.sourceCode.getScope(node);
        const refs = [...global.through];
        for (const v of global.variables) if (v.defs.length === 0) refs.push(...v.references);
        for (const ref of refs) {
          const id = ref.identifier;
          const name = id.name;
          if (pure && PURE_GLOBALS.has(name)) {
            context.report({ node: id, message: `${where} is pure: no \`${name}\`` });
            continue;
          }
          if (name === 'fetch') realWorldUse(id, 'global fetch');
          const members = REAL_WORLD[name];
          const parent = id.parent;
          if (
            members &&
            parent.type === 'MemberExpression' &&
            parent.object === id &&
            !parent.computed &&
            parent.property.type === 'Identifier' &&
            members.includes(parent.property.name)
          )
            realWorldUse(parent, `${name}.${parent.property.name}`);
        }
      },
    };
  },
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.cache/**',
      'bin/**',
      'eslint.config.js',
      'vitest.config.ts',
      'vite.config.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { vfleet: { rules: { layers } } },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'read the environment only in src/bin' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "Property[key.name='shell'][value.value=true]",
          message: 'processes run only with an argv array, never through a shell',
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx', 'src/**/*.mjs'],
    rules: { 'vfleet/layers': ['error', { realWorldExceptions: REAL_WORLD_EXCEPTIONS }] },
  },
  {
    // Plain-JS stand-ins for host programs (fake ip): linted, but not type-checked.
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly' } },
  },
  {
    files: [
      'src/**/*.test.ts',
      'src/**/*.test.tsx',
      'src/testing/**',
      'src/bench/**',
      'src/bin/**',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
);
