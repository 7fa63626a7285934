import { describe, expect, it } from 'vitest';
import { VfleetError } from '../core/errors.js';
import { bootRetryReason } from './lab-up.js';

const failed = (code: 'TIMEOUT' | 'COMMAND_FAILED', why: string, details = {}) =>
  new VfleetError(code, `${why}; last serial console lines:\n[ 3.9] igb: Copyright`, {
    serialLog: '/x/serial.log',
    ...details,
  });

describe('which failed boots lab up starts once more', () => {
  it('QEMU gone during boot, and a kernel silent before its agent started', () => {
    const exited = failed('COMMAND_FAILED', 'QEMU (pid 7) exited during boot', {
      qemuExited: true,
    });
    expect(bootRetryReason(exited)).toBe(
      'QEMU exited during boot (QEMU (pid 7) exited during boot)',
    );
    const silent = failed('TIMEOUT', 'the lab guest was not ready after 180 s: no progress', {
      stalledBeforeAgent: true,
    });
    expect(bootRetryReason(silent)).toBe(
      'the guest went silent before its agent started (the lab guest was not ready after 180 s: no progress)',
    );
  });

  it('not a panic, a guest still printing at the cap, a guest without PFs, or anything not ours', () => {
    expect(bootRetryReason(failed('COMMAND_FAILED', 'the lab kernel panicked'))).toBeNull();
    expect(bootRetryReason(failed('TIMEOUT', 'not ready: still progressing'))).toBeNull();
    expect(
      bootRetryReason(failed('TIMEOUT', 'not ready (the agent answers; 0 of 2 PFs probed)')),
    ).toBeNull();
    expect(bootRetryReason(new Error('EACCES'))).toBeNull();
  });
});
