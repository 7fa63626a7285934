import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * A file that lives beside the testing sources (fake programs, captured
 * fixtures). Compiled code in dist/testing finds it back in src/testing,
 * since tsc copies no assets.
 */
export function testingAsset(relative: string): string {
  const beside = resolve(here, relative);
  return existsSync(beside) ? beside : resolve(here, '..', '..', 'src', 'testing', relative);
}
