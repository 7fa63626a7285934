// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Layering (DEVELOPERS.md): core is pure; adapters do I/O; host is the host
// layer (scan, doctor, apply) over core + adapters; agent, controller, cli
// and web never import each other; bin/ holds the composition roots.
const layer = (name) => [`**/${name}/**`, `../${name}/*`, `../../${name}/*`];
const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'net',
  'http',
  'https',
];
const childProcess = {
  group: ['node:child_process', 'child_process'],
  message: 'processes are spawned only through src/adapters/exec (execFile, argv array)',
};
const restrict = (...layers) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        { group: layers.flatMap(layer), message: 'layer boundary (see eslint.config.js)' },
        childProcess,
      ],
    },
  ],
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.cache/**',
      'bin/**',
      'eslint.config.js',
      'vitest.config.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
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
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                ...nodeBuiltins,
                ...[
                  'adapters',
                  'host',
                  'lab',
                  'agent',
                  'controller',
                  'cli',
                  'web',
                  'bin',
                  'testing',
                ].flatMap(layer),
              ],
              message: 'core is pure: no node built-ins, no I/O, no outer layers',
            },
          ],
        },
      ],
    },
  },
  {
    // The /v1 contract (schemas, route definitions, the one client): pure like core.
    files: ['src/api/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                ...nodeBuiltins,
                ...[
                  'adapters',
                  'host',
                  'lab',
                  'agent',
                  'controller',
                  'cli',
                  'web',
                  'bin',
                  'testing',
                ].flatMap(layer),
              ],
              message: 'src/api is pure: only src/core, zod and hono',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/adapters/**'],
    rules: restrict('host', 'lab', 'agent', 'controller', 'cli', 'web', 'bin', 'testing'),
  },
  {
    // The one place that may spawn processes.
    files: ['src/adapters/exec/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['host', 'lab', 'agent', 'controller', 'cli', 'web', 'bin', 'testing'].flatMap(
                layer,
              ),
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/host/**'],
    rules: restrict('lab', 'agent', 'controller', 'cli', 'web', 'bin', 'testing'),
  },
  { files: ['src/lab/**'], rules: restrict('agent', 'controller', 'cli', 'web', 'bin', 'testing') },
  { files: ['src/agent/**'], rules: restrict('lab', 'controller', 'cli', 'web', 'bin', 'testing') },
  {
    files: ['src/controller/**'],
    rules: restrict('host', 'lab', 'agent', 'cli', 'web', 'bin', 'testing'),
  },
  { files: ['src/cli/**'], rules: restrict('agent', 'controller', 'web', 'bin', 'testing') },
  {
    files: ['src/web/**'],
    rules: restrict('adapters', 'host', 'lab', 'agent', 'controller', 'cli', 'bin', 'testing'),
  },
  {
    // Plain-JS stand-ins for host programs (fake ip): linted, but not type-checked.
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly' } },
  },
  {
    files: ['src/**/*.test.ts', 'src/testing/**', 'src/bench/**', 'src/bin/**'],
    rules: { 'no-restricted-properties': 'off', 'no-restricted-imports': 'off' },
  },
);
