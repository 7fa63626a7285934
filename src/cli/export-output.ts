import { resolve } from 'node:path';
import type { ExportFile } from '../core/exports/export-fleet.js';
import type { OutputFormat } from '../core/vocabulary.js';
import type { CliDeps } from './cli-deps.js';
import { renderData } from './output.js';

/**
 * An export's files, printed (a `==> path <==` line before each, as `tail`
 * heads several files) or, with --out, written below DIR atomically (temp and
 * rename, so a service reading the folder never sees half a file). -o json
 * or yaml prints the same as data.
 */
export async function emitExport(
  deps: CliDeps,
  o: { readonly out?: string; readonly output: OutputFormat },
  files: readonly ExportFile[],
): Promise<void> {
  if (o.out === undefined) {
    if (o.output !== 'table') deps.out(renderData(o.output, { files }));
    else deps.out(files.map((f) => `==> ${f.path} <==\n${f.text}`).join('\n'));
    return;
  }
  const root = resolve(o.out);
  const written: string[] = [];
  for (const f of files) {
    const path = resolve(root, f.path);
    await deps.hostFs('/').writeFileAtomic(path, f.text, 0o644);
    written.push(path);
  }
  if (o.output !== 'table') deps.out(renderData(o.output, { written }));
  else deps.out(written.map((p) => `wrote ${p}\n`).join(''));
}
