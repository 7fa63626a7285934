/**
 * Thrown by a command that has printed its result and wants a specific exit
 * code (doctor: 1 on errors). Its own file so commands need not import
 * run-cli.ts, which imports every command (an import cycle otherwise).
 */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
