// Stand-in for programs such as dmesg, modprobe and systemctl on fixture
// hosts (tests only): logs argv, prints a fixed file, exits with a fixed code.
import { appendFileSync, readFileSync, existsSync } from 'node:fs';

export function main(spec, argv) {
  appendFileSync(spec.log, `${JSON.stringify({ command: spec.name, argv })}\n`);
  if (spec.stdoutFile && existsSync(spec.stdoutFile))
    process.stdout.write(readFileSync(spec.stdoutFile, 'utf8'));
  if (spec.stderr) process.stderr.write(spec.stderr);
  process.exitCode = spec.exitCode ?? 0;
}
