import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Import cycles, found by a small walk over the TypeScript sources: every
 * relative `import`/`export ... from`/`import()` of a non-test file (type
 * imports too: a cycle of types is a cycle of ideas).
 */
const SRC = fileURLToPath(new URL('..', import.meta.url));
type Graph = ReadonlyMap<string, ReadonlySet<string>>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** File -> the files it imports, as paths relative to src/ (`cli/run-cli.ts`). */
function fileGraph(): Graph {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const targets = new Set<string>();
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const spec = m[1] ?? '';
      targets.add(relative(SRC, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))));
    }
    graph.set(relative(SRC, file), targets);
  }
  return graph;
}

/** `core/doctor/run-doctor.ts` -> `core/doctor`; `cli/x.ts` -> `cli`. */
const folderOf = (file: string): string => dirname(file);

function folderGraph(files: Graph): Graph {
  const graph = new Map<string, Set<string>>();
  for (const [file, targets] of files) {
    const from = folderOf(file);
    const set = graph.get(from) ?? new Set<string>();
    for (const t of targets) if (folderOf(t) !== from) set.add(folderOf(t));
    graph.set(from, set);
  }
  return graph;
}

/** One cycle among the nodes `keep` selects, as a path that ends where it starts, or null. */
function findCycle(graph: Graph, keep: (node: string) => boolean): string[] | null {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    const at = path.indexOf(node);
    if (at >= 0) return [...path.slice(at), node];
    if (done.has(node)) return null;
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!keep(next)) continue;
      const cycle = visit(next);
      if (cycle !== null) return cycle;
    }
    path.pop();
    done.add(node);
    return null;
  };
  for (const node of graph.keys()) {
    if (!keep(node)) continue;
    const cycle = visit(node);
    if (cycle !== null) return cycle;
  }
  return null;
}

describe('import cycles', () => {
  it('the walker finds a cycle and only among the nodes kept', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
    ]);
    expect(findCycle(graph, () => true)).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(graph, (n) => n !== 'c')).toBeNull();
  });

  it('the walker sees the imports of a real file', () => {
    expect(fileGraph().get('cli/run-cli.ts')).toContain('cli/exit-code.ts');
  });

  it('has none between the files of src/cli', () => {
    expect(findCycle(fileGraph(), (f) => f.startsWith('cli/'))).toBeNull();
  });

  it('has none between core/doctor and core/knowledge', () => {
    const folders = folderGraph(fileGraph());
    expect(folders.get('core/doctor')).toContain('core/knowledge');
    expect(
      findCycle(folders, (f) => f === 'core/doctor' || f === 'core/knowledge' || f === 'core'),
    ).toBeNull();
  });

  it('has none between the folders of src/core', () => {
    const folders = folderGraph(fileGraph());
    // The migration code builds on the fleet model; the fleet store must not lean back on it.
    expect(folders.get('core/migration')).toContain('core/libvirt');
    expect(folders.get('core/fleet')).toContain('core/migration');
    expect(findCycle(folders, (f) => f.startsWith('core/'))).toBeNull();
  });
});
