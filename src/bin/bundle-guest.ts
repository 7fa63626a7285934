import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { GUEST_BUNDLE } from '../lab/guest/guest-files.js';

// `npm run build`'s last step: the compiled CLI as one ESM bundle for the lab
// guests. There every file is read over 9p under emulation, about 15 ms each;
// the CLI loads some 600 files (our 320 and its packages'), so a command paid
// 9 s before doing anything, and the bundle's few chunks take 2 s. The bundle
// is the same compiled code; dynamic imports stay chunks, so host commands
// still skip the controller's modules.
const repo = resolve(import.meta.dirname, '..', '..');
const outdir = join(repo, dirname(GUEST_BUNDLE));

// Chunk names carry a content hash: without this, every build would leave its old chunks.
await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(repo, 'dist', 'bin', 'vfleet.js')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Found through their own files at run time (PGlite's WASM, pg's optional
  // native binding, the browser driver), so they stay packages in node_modules.
  external: ['@electric-sql/pglite', 'pg', 'playwright-core'],
  // CommonJS packages inside an ESM bundle call require() for Node builtins.
  banner: {
    js: "import { createRequire as vfleetRequire } from 'node:module'; const require = vfleetRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
