import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function folders(dir: string): string[] {
  return readdirSync(`${ROOT}${dir}`, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => [`${dir}/${e.name}`, ...folders(`${dir}/${e.name}`)]);
}

// A newcomer finds their way by the README's layout: a new folder gets its line.
it("the README's layout lists every folder under src/", () => {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const layout = readme.slice(
    readme.indexOf('## Layout'),
    readme.indexOf('\n## ', readme.indexOf('## Layout') + 1),
  );
  const listed = new Set([...layout.matchAll(/^- `(src\/[^`]+)\/`/gm)].map((m) => m[1]));
  expect(folders('src').filter((f) => !listed.has(f))).toEqual([]);
});
