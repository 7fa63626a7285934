#!/usr/bin/env node
// Runs the two vitest projects side by side, each one file at a time: the
// lab (real kernels under QEMU, a core each) and everything else. One vitest
// run with two workers would also put two lab files, three or four QEMU
// guests, on two cores at once; one worker for all ran the suite serially
// in 55 minutes. Each line is prefixed with its project; the exit status is
// the first non-zero one. Arguments after the script (file filters) go to both runs.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';

const vitest = createRequire(import.meta.url).resolve('vitest/vitest.mjs');
const filters = process.argv.slice(2);
// With file filters, one project may have none of the files: that is no failure.
const extra = filters.length > 0 ? ['--passWithNoTests', ...filters] : [];

function run(project) {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [vitest, 'run', '--project', project, '--maxWorkers=1', ...extra],
      // Output is streamed below; the buffer only has to hold it without killing the run.
      { maxBuffer: 1 << 30 },
      (error) => resolve(error === null ? 0 : typeof error.code === 'number' ? error.code : 1),
    );
    for (const [from, to] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ]) {
      let rest = '';
      from.setEncoding('utf8');
      from.on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) to.write(`[${project}] ${line}\n`);
      });
      from.on('end', () => {
        if (rest !== '') to.write(`[${project}] ${rest}\n`);
      });
    }
    // Ctrl-C or a CI time-out ends both runs, and with them what they started.
    for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => child.kill(signal));
  });
}

const codes = await Promise.all([run('lab'), run('unit')]);
const failed = codes.find((c) => c !== 0);
process.stdout.write(`suites: lab exit ${codes[0]}, unit exit ${codes[1]}\n`);
process.exitCode = failed ?? 0;
